#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Cold query: the wall time of `pwsh -NoProfile -c "Import-Module <module>; Find-RagContext 'q' -Path idx"`, a
    fresh process each time, against bare `pwsh -NoProfile -c 1` in the same run; and where the time goes.
.DESCRIPTION
    dotnet pwsh -NoProfile -File bench/Rag/Measure-ColdQuery.ps1 [-Runs 7] [-ModulePath DIR] [-CompareModulePath DIR[,DIR...]] [-Quick]

    Setup (not timed): two small indexes of this repository's docs/help/*.md and README.md in a temp folder, one
    with all-MiniLM-L6-v2 (the default) and one with all-MiniLM-L6-v2-int8 (the index decides the query's model).
    Then, after one untimed round (file cache warm, as for a user who queried a minute ago), -Runs rounds, each
    running every variant once in a fresh process, the order rotated each round so slow spells hit all alike:
      bare       pwsh -NoProfile -c 1
      import     ... -c "Import-Module <module>"
      keyword    ... -c "Import-Module <module>; Find-RagContext 'q' -Path idx -Mode Keyword" (no model)
      cold       ... -c "Import-Module <module>; Find-RagContext 'q' -Path idx" (hybrid, the default: the target)
      cold int8  the same on the int8 index (when the module has the int8 model)
      <name>     with -CompareModulePath (other builds, e.g. of an earlier commit), each named by its folder's parent
                 or grandparent: import and cold with that module, on the same FP32 index, in the same rounds
    Wall time = process start to exit, measured here. Target: cold <= 1.5 s (median). CPU = the process's user + system
    time (getrusage of reaped children), which other work on a shared machine inflates far less than wall time.
    Profile: -Runs more fresh processes time the steps of a query inside one process with a stopwatch (import,
    opening the index, loading the model, the first embedding, the search), to show where the time goes.
    Results: a section in bench/results/rag-<date>.md (rag-<date>-quick.md with -Quick), printed too.
#>
[CmdletBinding()]
param(
    [ValidateRange(5, 100)]
    [int] $Runs = 7,
    [string] $ModulePath,
    [string[]] $CompareModulePath = @(),
    [switch] $Quick,
    [string] $ResultsDirectory,
    # Profile worker only: runs in a fresh process and prints one JSON line of step timings.
    [switch] $ProfileWorker,
    [string] $IndexPath
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RagBench.Common.ps1')
$ModulePath = Resolve-ModulePath $ModulePath
# Each other build by a short name: the folder above its MixtralPS folder (out/ gives the one above that).
$compare = [ordered]@{}
# pwsh -File passes "a,b" as one string.
foreach ($path in @($CompareModulePath | ForEach-Object { $_ -split ',' } | Where-Object { $_ })) {
    $resolved = Resolve-ModulePath $path
    $parent = Split-Path $resolved
    $name = if ((Split-Path -Leaf $parent) -eq 'out') { Split-Path -Leaf (Split-Path $parent) } else { Split-Path -Leaf $parent }
    $compare[$name] = $resolved
}
$Query = 'how do I chat with a model and keep the history'

if ($ProfileWorker) {
    # Each step as a cmdlet would do it, timed on its own.
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Import-Module $ModulePath
    $steps = [ordered]@{ Import = $clock.Elapsed.TotalMilliseconds }
    $mark = $clock.Elapsed.TotalMilliseconds
    $reader = [MixtralPS.Core.Rag.RagReaderPool]::Shared.Rent($IndexPath)
    $steps.OpenIndex = $clock.Elapsed.TotalMilliseconds - $mark; $mark = $clock.Elapsed.TotalMilliseconds
    $provider = [MixtralPS.Core.Embeddings.OnnxEmbeddingProvider]::new((Split-Path (Get-Module MixtralPS).Path), $reader.Settings.EmbeddingModel, $null)
    $steps.LoadModel = $clock.Elapsed.TotalMilliseconds - $mark; $mark = $clock.Elapsed.TotalMilliseconds
    $null = $provider.Embed([string[]]@($Query), 'Query', [Threading.CancellationToken]::None)
    $steps.FirstEmbedding = $clock.Elapsed.TotalMilliseconds - $mark; $mark = $clock.Elapsed.TotalMilliseconds
    [MixtralPS.Core.Rag.RagReaderPool]::Shared.Return($IndexPath, $reader)
    $null = Find-RagContext $Query -Path $IndexPath
    $steps.FindRagContext = $clock.Elapsed.TotalMilliseconds - $mark
    [pscustomobject]$steps | ConvertTo-Json -Compress
    return
}

$started = Get-Date
$loadAtStart = Get-LoadAverage
$pwsh = Get-PwshCommand
$work = New-RagBenchWorkDirectory 'cold'
$indexes = [ordered]@{ 'all-MiniLM-L6-v2' = (Join-Path $work 'idx') }
$hasInt8 = Test-Path (Join-Path $ModulePath 'models/all-MiniLM-L6-v2-int8')
if ($hasInt8) { $indexes['all-MiniLM-L6-v2-int8'] = Join-Path $work 'idx-int8' }
$root = Get-RagBenchRoot
$docs = @(Get-ChildItem (Join-Path $root 'docs/help/*.md')) + @(Get-Item (Join-Path $root 'README.md'))
if ($Quick) { $docs = $docs | Select-Object -First 3 }
foreach ($model in $indexes.Keys) {
    Write-BenchProgress "indexing $($docs.Count) files with $model into $($indexes[$model])"
    $list = Join-Path $work 'files.txt'
    Set-Content -Path $list -Value $docs.FullName
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -c "Import-Module '$ModulePath'; Get-Content '$list' | New-RagIndex -Path '$($indexes[$model])' -Model $model | Out-Null" | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "Indexing with $model failed." }
}

# CPU time of reaped child processes (getrusage RUSAGE_CHILDREN): one child at a time, so the difference around a run
# is that process's own CPU, which other work on a shared machine inflates far less than wall time. Linux and macOS.
$script:HasRusage = -not $IsWindows
if ($script:HasRusage) {
    Add-Type -TypeDefinition @'
using System.Runtime.InteropServices;
public static class ChildCpu
{
    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, long[] usage);

    /// <summary>User + system seconds of all waited-for children (struct rusage starts with two timevals).</summary>
    public static double Seconds()
    {
        var usage = new long[18];
        if (getrusage(-1, usage) != 0) return double.NaN;
        return usage[0] + usage[1] / 1e6 + usage[2] + usage[3] / 1e6;
    }
}
'@
}

function Invoke-Timed([string] $Command) {
    $info = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-c', $Command)) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $cpuBefore = if ($script:HasRusage) { [ChildCpu]::Seconds() } else { [double]::NaN }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $process = [Diagnostics.Process]::Start($info)
    $out = $process.StandardOutput.ReadToEndAsync()
    $err = $process.StandardError.ReadToEndAsync()
    $process.WaitForExit()
    $elapsed = $clock.Elapsed.TotalSeconds
    $cpu = if ($script:HasRusage) { [ChildCpu]::Seconds() - $cpuBefore } else { [double]::NaN }
    if ($process.ExitCode -ne 0 -or $err.Result.Trim()) { throw "'$Command' failed (exit $($process.ExitCode)): $($err.Result)" }
    if ($Command -like '*Find-RagContext*' -and -not $out.Result.Trim()) { throw "'$Command' found nothing." }
    $process.Dispose()
    [pscustomobject]@{ Wall = $elapsed; Cpu = $cpu }
}

$import = "Import-Module '$ModulePath'"
$variants = [ordered]@{
    'bare'      = '1'
    'import'    = $import
    'keyword'   = "$import; Find-RagContext '$Query' -Path '$($indexes['all-MiniLM-L6-v2'])' -Mode Keyword"
    'cold'      = "$import; Find-RagContext '$Query' -Path '$($indexes['all-MiniLM-L6-v2'])'"
}
if ($hasInt8) { $variants['cold int8'] = "$import; Find-RagContext '$Query' -Path '$($indexes['all-MiniLM-L6-v2-int8'])'" }
foreach ($name in $compare.Keys) {
    $variants["import ($name)"] = "Import-Module '$($compare[$name])'"
    $variants["cold ($name)"] = "Import-Module '$($compare[$name])'; Find-RagContext '$Query' -Path '$($indexes['all-MiniLM-L6-v2'])'"
}
$times = [ordered]@{}
$cpuTimes = [ordered]@{}
foreach ($name in $variants.Keys) { $times[$name] = [Collections.Generic.List[double]]::new(); $cpuTimes[$name] = [Collections.Generic.List[double]]::new() }
$names = @($variants.Keys)
for ($round = 0; $round -le $Runs; $round++) {
    $order = @($names | Select-Object -Skip ($round % $names.Count)) + @($names | Select-Object -First ($round % $names.Count))
    foreach ($name in $order) {
        $measured = Invoke-Timed $variants[$name]
        if ($round -gt 0) { $times[$name].Add($measured.Wall); $cpuTimes[$name].Add($measured.Cpu) }   # round 0 warms the file cache
    }
    if ($round -gt 0) { Write-BenchProgress "round $round of ${Runs}: $(($names | ForEach-Object { '{0} {1:0.00}s' -f $_, $times[$_][-1] }) -join ', ')" }
}

Write-BenchProgress "profiling the steps in $Runs more processes$(if ($compare.Count) { ' per module' })"
$profiled = [ordered]@{ 'this module' = $ModulePath }
foreach ($name in $compare.Keys) { $profiled[$name] = $compare[$name] }
$profiles = @{}
foreach ($key in $profiled.Keys) { $profiles[$key] = [Collections.Generic.List[object]]::new() }
foreach ($i in 1..$Runs) {
    foreach ($key in $profiled.Keys) {
        $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $PSCommandPath -ProfileWorker -ModulePath $profiled[$key] -IndexPath $indexes['all-MiniLM-L6-v2']
        if ($LASTEXITCODE -ne 0) { throw 'The profile worker failed.' }
        $profiles[$key].Add(($out | Select-Object -Last 1 | ConvertFrom-Json))
    }
}

$median = @{}
$body = @(
    "Wall time of a fresh ``pwsh -NoProfile -NonInteractive -c <command>`` process, start to exit, over $Runs rounds (after one untimed round that warms the file cache); every variant once per round, order rotated. Index: $($docs.Count) files of this repository (docs/help, README), chunked by default."
    ''
    '| Variant | command after `-c` | min s | median s | max s | median − bare | CPU s, median (min) |'
    '|---|---|---:|---:|---:|---:|---:|'
)
foreach ($name in $names) { $median[$name] = Get-Median $times[$name] }
foreach ($name in $names) {
    $shown = $variants[$name].Replace($ModulePath, '<module>').Replace($work, '<tmp>')
    foreach ($other in $compare.Keys) { $shown = $shown.Replace($compare[$other], "<$other>") }
    $body += "| $name | ``$shown`` | $(Format-Number ($times[$name] | Measure-Object -Minimum).Minimum '0.00') | $(Format-Number $median[$name] '0.00') | $(Format-Number ($times[$name] | Measure-Object -Maximum).Maximum '0.00') | $(if ($name -ne 'bare') { '+' + (Format-Number ($median[$name] - $median['bare']) '0.00') }) | $(Format-Number (Get-Median $cpuTimes[$name]) '0.00') ($(Format-Number ($cpuTimes[$name] | Measure-Object -Minimum).Minimum '0.00')) |"
}
$met = $median['cold'] -le 1.5
$body += ''
$body += "- **Cold query (median): $(Format-Number $median['cold'] '0.00') s** (target ≤ 1.5 s: $(if ($met) { 'met' } else { 'NOT met' }))" +
    $(if ($hasInt8) { "; with the int8 model's index $(Format-Number $median['cold int8'] '0.00') s" }) +
    (($compare.Keys | ForEach-Object { "; with <$_> = $($compare[$_]): $(Format-Number $median["cold ($_)"] '0.00') s" }) -join '') +
    "; bare pwsh $(Format-Number $median['bare'] '0.00') s."
$body += "- From the medians: pwsh itself $(Format-Number $median['bare'] '0.00') s; Import-Module +$(Format-Number ($median['import'] - $median['bare']) '0.00') s; opening the index and a keyword search +$(Format-Number ($median['keyword'] - $median['import']) '0.00') s; loading the model, embedding the query and the hybrid search +$(Format-Number ($median['cold'] - $median['keyword']) '0.00') s."
$body += ''
$body += "Where the time goes inside one process (medians of $Runs fresh processes, ms; each step once, in this order, as Find-RagContext does them; then a whole Find-RagContext call on the same, now warm, reader and model):"
$body += ''
$body += '| Step | ' + (($profiled.Keys | ForEach-Object { "$_`: median ms | min | max" }) -join ' | ') + ' |'
$body += '|---|' + (($profiled.Keys | ForEach-Object { '---:|---:|---:' }) -join '|') + '|'
$labels = [ordered]@{
    Import         = 'Import-Module'
    OpenIndex      = 'open the index (RagReaderPool.Rent: SQLite, settings, graph map)'
    LoadModel      = 'load the model (ONNX Runtime native library, session, vocabulary)'
    FirstEmbedding = 'first query embedding'
    FindRagContext = 'Find-RagContext once everything is loaded'
}
foreach ($step in $labels.Keys) {
    $cells = foreach ($key in $profiled.Keys) {
        $values = [double[]]@($profiles[$key] | ForEach-Object { $_.$step })
        "$(Format-Number (Get-Median $values) '0') | $(Format-Number ($values | Measure-Object -Minimum).Minimum '0') | $(Format-Number ($values | Measure-Object -Maximum).Maximum '0')"
    }
    $body += "| $($labels[$step]) | $($cells -join ' | ') |"
}

Write-RagBenchSection -Title "Cold query: Find-RagContext in a fresh pwsh ($Runs runs)" -Body $body -Started $started -LoadAtStart $loadAtStart `
    -ModulePath $ModulePath -Command "bench/Rag/Measure-ColdQuery.ps1 -Runs $Runs$(if ($compare.Count) { " -CompareModulePath $($CompareModulePath -join ',')" })$(if ($Quick) { ' -Quick' })" -Quick:$Quick -ResultsDirectory $ResultsDirectory
Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
