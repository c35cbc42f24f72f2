namespace MixtralPS.Core.Input;

/// <summary>One thing piped into a chat, already turned into something a model can read.</summary>
public abstract record PipedItem;

/// <summary>A piped string (or scalar). Strings are joined with newlines as they came, and cut only between lines.</summary>
public sealed record PipedText(string Text) : PipedItem;

/// <summary>A piped object as a row of data; neighbouring rows of one type share a table.</summary>
public sealed record PipedData(DataRecord Record) : PipedItem;

/// <summary>A piped object kept as one block of text: an error report, or an object as PowerShell shows it.</summary>
/// <param name="Kind">What the block is ("error", "text"), shown to the model.</param>
/// <param name="Label">Its type, shown to the model.</param>
public sealed record PipedBlock(string Kind, string Label, string Text) : PipedItem;
