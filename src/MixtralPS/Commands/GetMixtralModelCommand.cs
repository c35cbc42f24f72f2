using System.Management.Automation;
using MixtralPS.Core.Models;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>Lists the models the endpoint serves, with their capabilities and retirement dates.</summary>
[Cmdlet(VerbsCommon.Get, "MixtralModel")]
[OutputType(typeof(ModelCard))]
public sealed class GetMixtralModelCommand : MixtralApiCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    private List<ModelCard>? models;

    protected override void ProcessRecord()
    {
        try
        {
            models ??= Run(ct => Client.ListModelsAsync(ct)).Data;
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (Exception ex)
        {
            WriteItemError(ex, Endpoint);
            return;
        }

        if (Name is null)
        {
            WriteObject(models, enumerateCollection: true);
            return;
        }

        foreach (var name in Name)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matches = models.Where(m => pattern.IsMatch(m.Id) || (m.Aliases?.Any(pattern.IsMatch) ?? false)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"The endpoint serves no model named '{name}'. Run Get-MixtralModel to list them."),
                    ErrorIdPrefix + "NotFound", ErrorCategory.ObjectNotFound, name));
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }
}
