namespace MixtralPS.Tools;

/// <summary>Whether the tools the model asks for are run (-InvokeTools).</summary>
public enum ToolInvocationMode
{
    /// <summary>Nothing runs: the response carries the calls for the caller to handle.</summary>
    None,

    /// <summary>Each call asks first (Yes, Yes to All, No, No to All).</summary>
    Confirm,

    /// <summary>The calls run without asking; -Confirm and -WhatIf still apply.</summary>
    Auto,
}
