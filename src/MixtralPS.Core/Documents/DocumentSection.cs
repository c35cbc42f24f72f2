namespace MixtralPS.Core.Documents;

/// <summary>
/// A part of a document under one heading: its span in the document's text and its heading path, the document's title
/// first ("Guide > Install > Linux"). Null path for text before the first heading of an untitled document.
/// </summary>
public sealed record DocumentSection(int Start, int Length, string? Heading);
