using System.Management.Automation;
using System.Runtime.InteropServices;
using MixtralPS.Core.Input;

namespace MixtralPS.Input;

/// <summary>Reads an ErrorRecord or an exception into the neutral <see cref="ErrorReport"/> of the core.</summary>
internal static class ErrorReportReader
{
    /// <summary>
    /// The version of the PowerShell running us. PSVersionInfo is public in PowerShell 7 but not in the reference
    /// assembly the module compiles against, hence reflection.
    /// </summary>
    private static readonly Lazy<string?> PowerShellVersion = new(() =>
    {
        var info = typeof(PSObject).Assembly.GetType("System.Management.Automation.PSVersionInfo");
        var version = info?.GetProperty("PSVersion")?.GetValue(null)?.ToString();
        var edition = info?.GetProperty("PSEdition")?.GetValue(null)?.ToString();
        return version is null ? null : edition is null ? version : $"{version} ({edition})";
    });

    /// <summary>An ErrorRecord, or any exception (one that carries an ErrorRecord is read through it); else false.</summary>
    public static bool TryRead(object? baseObject, out ErrorReport? report)
    {
        report = (baseObject is PSObject wrapped ? wrapped.BaseObject : baseObject) switch
        {
            ErrorRecord record => FromRecord(record, record.Exception),
            // Such an exception's record stands in for it with a ParentContainsErrorRecordException: the type and
            // message come from the exception itself.
            Exception exception and IContainsErrorRecord { ErrorRecord: { } record } => FromRecord(record, exception),
            Exception exception => FromException(exception),
            _ => null,
        };
        return report is not null;
    }

    private static ErrorReport FromRecord(ErrorRecord record, Exception exception)
    {
        var report = FromException(exception);
        var invocation = record.InvocationInfo;
        report.FullyQualifiedErrorId = record.FullyQualifiedErrorId;
        report.Category = record.CategoryInfo?.Category.ToString();
        report.Target = DescribeTarget(record.TargetObject);
        report.InvocationName = invocation?.InvocationName is { Length: > 0 } name ? name : invocation?.MyCommand?.Name;
        report.CommandLine = invocation?.Line?.Trim();
        report.PositionMessage = invocation?.PositionMessage;
        report.ScriptStackTrace = record.ScriptStackTrace;
        if (record.ErrorDetails is { } details)
        {
            report.Details = details.Message != report.Message ? details.Message : null;
            report.RecommendedAction = details.RecommendedAction;
        }

        return report;
    }

    private static ErrorReport FromException(Exception exception) => new()
    {
        ExceptionType = exception.GetType().FullName ?? exception.GetType().Name,
        Message = exception.Message,
        InnerExceptions = InnerExceptions(exception),
        PowerShellVersion = PowerShellVersion.Value,
        OperatingSystem = RuntimeInformation.OSDescription,
    };

    /// <summary>How many inner exceptions are counted; the report shows the first few and the number of the others.</summary>
    private const int MaxCounted = 100;

    /// <summary>The inner exceptions, outermost first; an AggregateException's several ones in turn.</summary>
    private static List<(string Type, string Message)> InnerExceptions(Exception exception)
    {
        var found = new List<(string, string)>();
        var queue = new Queue<Exception>(Children(exception));
        while (queue.Count > 0 && found.Count < MaxCounted)
        {
            var inner = queue.Dequeue();
            found.Add((inner.GetType().FullName ?? inner.GetType().Name, inner.Message));
            foreach (var child in Children(inner))
            {
                queue.Enqueue(child);
            }
        }

        return found;
    }

    private static IEnumerable<Exception> Children(Exception exception) =>
        exception is AggregateException aggregate ? aggregate.InnerExceptions
        : exception.InnerException is { } inner ? [inner]
        : [];

    private static string? DescribeTarget(object? target)
    {
        var value = target is PSObject wrapped ? wrapped.BaseObject : target;
        if (value is null)
        {
            return null;
        }

        string? text;
        try
        {
            text = target!.ToString();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            text = null;
        }

        return ErrorReport.DescribeTarget(value.GetType().FullName ?? value.GetType().Name, text);
    }
}
