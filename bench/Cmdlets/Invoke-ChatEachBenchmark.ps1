<#
.SYNOPSIS
    Invoke-MixtralChat -Each: throughput of one request per piped item against the test server answering each
    request after -LatencyMs, and the module's own cost per item (wall and CPU, the server answering at once).
    Writes bench/results/chat-each-<date>.md.
.PARAMETER ModulePath
    The built module folder (out/MixtralPS).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ServerPath = (Join-Path $PSScriptRoot '../../tests/MixtralPS.TestServer/bin/Release/net10.0/MixtralPS.TestServer.dll'),
    [int] $Items = 1000,
    [int] $LatencyMs = 50,
    [int] $ThrottleLimit = 4,
    [string] $ResultsDirectory = (Join-Path $PSScriptRoot '../results')
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
Import-Module (Join-Path $PSScriptRoot '../../tests/Pester/TestServer.psm1') -Force
$manifest = Join-Path $ModulePath 'MixtralPS.psd1'
$load = { (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ' }
$loadStart = & $load
$cpu = (Select-String -Path /proc/cpuinfo -Pattern '^model name' | Select-Object -First 1).Line.Split(':')[1].Trim()

$script = {
    param($Manifest, $Url, $Inputs, $Throttle)
    $ErrorActionPreference = 'Stop'
    Import-Module $Manifest
    # Warm: JIT (100 items, past the runtime's tier-up of hot methods), the HTTP connections; the measured part is the batch.
    1..100 | Invoke-MixtralChat 'Q' -Each -ThrottleLimit $Throttle -Endpoint $Url -ProgressAction SilentlyContinue | Out-Null
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $cpuStart = $process.TotalProcessorTime
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $answers = @($Inputs | Invoke-MixtralChat 'Classify this item in one word.' -Each -ThrottleLimit $Throttle -Endpoint $Url -ProgressAction SilentlyContinue)
    $seconds = $clock.Elapsed.TotalSeconds
    $process.Refresh()
    $inOrder = -not (Compare-Object @($answers.Input) @($Inputs) -SyncWindow 0)
    [pscustomobject]@{ Seconds = $seconds; Cpu = ($process.TotalProcessorTime - $cpuStart).TotalSeconds; Count = $answers.Count; InOrder = $inOrder }
}

$server = Start-TestServer -ServerPath $ServerPath
try {
    $env:MIXTRALPS_TEST_SERVER = $server.Url
    $inputs = 1..$Items | ForEach-Object { "item $_ of the batch" }
    $measure = {
        param([int] $Latency, [int] $Throttle)
        Reset-TestServer
        if ($Latency -gt 0) { Add-TestReply @{ delayMs = $Latency; repeat = 0 } }
        $ps = [powershell]::Create()
        $result = $ps.AddScript($script).AddArgument($manifest).AddArgument($server.Url).AddArgument($inputs).AddArgument($Throttle).Invoke()
        $failure = if ($ps.HadErrors) { ($ps.Streams.Error | Select-Object -First 3) -join '; ' }
        $ps.Dispose()
        # A run that did not answer every item in order measured nothing: stop rather than report it.
        if ($failure -or $result.Count -ne 1 -or $result[0].Count -ne $Items -or -not $result[0].InOrder) { throw "The -Each run (latency $Latency ms) failed: $failure" }
        $result[0] | Add-Member -PassThru MaxInFlight (Get-TestServerMaxInFlight)
    }
    $paced = & $measure $LatencyMs $ThrottleLimit
    $immediate = & $measure 0 $ThrottleLimit
}
finally { Stop-TestServer $server }

$throughput = $Items / $paced.Seconds
$target = 0.9 * $ThrottleLimit / ($LatencyMs / 1000)
$lines = @(
    "# Invoke-MixtralChat -Each benchmark, $(Get-Date -Format 'yyyy-MM-dd HH:mm:ss zzz')"
    ''
    "- Machine: $cpu, $([Environment]::ProcessorCount) logical processors; $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription); pwsh $($PSVersionTable.PSVersion); commit $(git -C $PSScriptRoot rev-parse --short HEAD)"
    "- Load average at start / end: $loadStart / $(& $load)"
    "- Script: bench/Cmdlets/Invoke-ChatEachBenchmark.ps1 ($Items items, -ThrottleLimit $ThrottleLimit, answers checked complete and in input order)"
    ''
    '| server answers after | wall time | items/s | most in flight at the server | pwsh CPU per item | wall per item |'
    '|---|---:|---:|---:|---:|---:|'
    ('| {0} ms | {1:0.00} s | {2:0.0} | {3} | {4:0.00} ms | {5:0.00} ms |' -f $LatencyMs, $paced.Seconds, $throughput, $paced.MaxInFlight, (1000 * $paced.Cpu / $Items), (1000 * $paced.Seconds / $Items))
    ('| 0 ms (the module''s own cost) | {0:0.00} s | {1:0.0} | {2} | {3:0.00} ms | {4:0.00} ms |' -f $immediate.Seconds, ($Items / $immediate.Seconds), $immediate.MaxInFlight, (1000 * $immediate.Cpu / $Items), (1000 * $immediate.Seconds / $Items))
    ''
    ('Throughput at {0} ms: {1:0.0} items/s; target ≥ 0.9 × {2} / {0} ms = {3:0.0} items/s: {4}.' -f $LatencyMs, $throughput, $ThrottleLimit, $target, $(if ($throughput -ge $target) { 'met' } else { 'NOT met' }))
    'The 0 ms row has the test server (another process, same two cores) answering at once: its wall time per item is the module, PowerShell and the local HTTP round trip together; the CPU column is this pwsh process alone.'
)
New-Item -ItemType Directory -Force -Path $ResultsDirectory | Out-Null
$file = Join-Path $ResultsDirectory "chat-each-$(Get-Date -Format 'yyyy-MM-dd').md"
Set-Content -Path $file -Value $lines -Encoding utf8NoBOM
$lines | Write-Host
Write-Host "Written to $file"
