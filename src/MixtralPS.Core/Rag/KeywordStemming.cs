namespace MixtralPS.Core.Rag;

/// <summary>Whether keyword search reduces words to their stems (Porter) before matching.</summary>
public enum KeywordStemming
{
    None,
    Porter,
}
