<#
.SYNOPSIS
    Embeddings through the cmdlets: the API path's batching against one request per chunk (the tutorial's loop),
    and the memory of a long local pipeline. Writes bench/results/embedding-cmdlets-<date>.md.
.PARAMETER ModulePath
    The built module folder (out/MixtralPS).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ServerPath = (Join-Path $PSScriptRoot '../../tests/MixtralPS.TestServer/bin/Release/net10.0/MixtralPS.TestServer.dll'),
    [int] $ApiChunks = 1000,
    [int] $LatencyMs = 50,
    [int] $MemoryTexts = 20000,
    [string] $ResultsDirectory = (Join-Path $PSScriptRoot '../results')
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
Import-Module (Join-Path $PSScriptRoot '../../tests/Pester/TestServer.psm1') -Force
$results = $ResultsDirectory
# The manifest, not the folder: Import-Module finds a folder's module by the folder's name, and a copy may be named otherwise.
$manifest = Join-Path $ModulePath 'MixtralPS.psd1'
$load = { (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ' }
$loadStart = & $load
$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add("# Embedding cmdlets benchmark, $(Get-Date -Format 'yyyy-MM-dd HH:mm:ss zzz')")
$lines.Add('')
$cpu = (Select-String -Path /proc/cpuinfo -Pattern '^model name' | Select-Object -First 1).Line.Split(':')[1].Trim()
$lines.Add("- Machine: $cpu, $([Environment]::ProcessorCount) logical processors; $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription); pwsh $($PSVersionTable.PSVersion); commit $(git -C $PSScriptRoot rev-parse --short HEAD)")

# 1. The API path: $ApiChunks chunks of 512 characters against the test server answering each request after $LatencyMs ms.
$server = Start-TestServer -ServerPath $ServerPath
try {
    $env:MIXTRALPS_TEST_SERVER = $server.Url
    $text = (Get-Content -Raw (Join-Path $PSScriptRoot '../../README.md')) -replace '\s+', ' '
    $chunks = 0..($ApiChunks - 1) | ForEach-Object { $start = ($_ * 37) % ($text.Length - 512); $text.Substring($start, 512) }
    $script = {
        param($Manifest, $Url, $Chunks, $PerChunk)
        $ErrorActionPreference = 'Stop'
        Import-Module $Manifest
        # Warm: JIT, the HTTP connection; the measured part is the embedding of the chunks.
        Get-MixtralEmbedding 'warm up' -Model mistral-embed -Endpoint $Url | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $count = if ($PerChunk) { @(foreach ($c in $Chunks) { Get-MixtralEmbedding $c -Model mistral-embed -Endpoint $Url }).Count }
        else { @($Chunks | Get-MixtralEmbedding -Model mistral-embed -Endpoint $Url).Count }
        [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Count = $count }
    }
    $measure = {
        param([bool] $PerChunk)
        Reset-TestServer
        Add-TestReply @{ path = '/v1/embeddings'; delayMs = $LatencyMs; repeat = 0 }
        $ps = [powershell]::Create()
        $result = $ps.AddScript($script).AddArgument($manifest).AddArgument($server.Url).AddArgument($chunks).AddArgument($PerChunk).Invoke()
        $failure = if ($ps.HadErrors) { ($ps.Streams.Error | Select-Object -First 3) -join '; ' }
        $ps.Dispose()
        # A run that did not embed every chunk measured nothing: stop rather than report it.
        if ($failure -or $result.Count -ne 1 -or $result[0].Count -ne $chunks.Count) { throw "The API run (per chunk: $PerChunk) failed: $failure" }
        [pscustomobject]@{ Seconds = $result[0].Seconds; Requests = @(Get-TestRequest).Count - 1 }
    }
    $batched = & $measure $false
    $loop = & $measure $true
}
finally { Stop-TestServer $server }

$lines.Add('')
$lines.Add("## API path: $ApiChunks chunks of 512 characters, the test server answering each request after $LatencyMs ms")
$lines.Add('')
$lines.Add('| how | requests | wall time |')
$lines.Add('|---|---:|---:|')
$lines.Add(('| piped into Get-MixtralEmbedding -Model mistral-embed (batched: ≤512 inputs, ≤16,384 estimated tokens per request, 4 in flight) | {0} | {1:0.00} s |' -f $batched.Requests, $batched.Seconds))
$lines.Add(('| one Get-MixtralEmbedding per chunk (the tutorial''s loop) | {0} | {1:0.00} s |' -f $loop.Requests, $loop.Seconds))
$ratio = $loop.Seconds / $batched.Seconds
$lines.Add('')
$lines.Add(('Batched is {0:0.0}× faster (target ≥ 20×: {1}).' -f $ratio, $(if ($ratio -ge 20) { 'met' } else { 'NOT met' })))

# 2. Memory: $MemoryTexts short texts through the local model in a fresh pwsh; peak resident memory above the module's baseline.
$memoryScript = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
Get-MixtralEmbedding 'warm up the model' | Out-Null
[GC]::Collect()
`$baseline = [Diagnostics.Process]::GetCurrentProcess().WorkingSet64
# Resetting the kernel's peak counter is not possible, so the peak is sampled while the pipeline runs.
`$peak = `$baseline
`$timer = [System.Timers.Timer]::new(20)
`$proc = [Diagnostics.Process]::GetCurrentProcess()
Register-ObjectEvent -InputObject `$timer -EventName Elapsed -Action { `$p = [Diagnostics.Process]::GetCurrentProcess(); `$global:MixtralPeak = [Math]::Max(`$global:MixtralPeak, `$p.WorkingSet64) } | Out-Null
`$global:MixtralPeak = `$baseline
`$timer.Start()
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$count = (1..$MemoryTexts | ForEach-Object { "short text number `$_ about item `$(`$_ % 97) and topic `$(`$_ % 13)" } | Get-MixtralEmbedding | Measure-Object).Count
`$timer.Stop()
`$proc.Refresh()
`$peak = [Math]::Max(`$global:MixtralPeak, `$proc.WorkingSet64)
'{0} {1} {2} {3}' -f `$count, `$baseline, `$peak, `$clock.Elapsed.TotalSeconds
"@
$hostPath = [Environment]::ProcessPath
$pwshArgs = @()
if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $pwshArgs += (Join-Path $PSHOME 'pwsh.dll') }
$out = & $hostPath @pwshArgs -NoProfile -NonInteractive -Command $memoryScript
$count, $baseline, $peak, $seconds = ($out | Select-Object -Last 1).Split(' ')
if ($LASTEXITCODE -ne 0 -or [int]$count -ne $MemoryTexts) { throw "The memory run embedded $count of $MemoryTexts texts (exit code $LASTEXITCODE): $($out -join ' ')" }
$above = ([long]$peak - [long]$baseline) / 1MB
$lines.Add('')
$lines.Add("## Memory: $MemoryTexts short texts piped through Get-MixtralEmbedding | Measure-Object (local all-MiniLM-L6-v2)")
$lines.Add('')
$lines.Add(('- {0} embedded in {1:0.0} s ({2:0} texts/s); baseline (module imported, model loaded) {3:0} MB; peak working set {4:0} MB, sampled every 20 ms; **{5:0} MB above the baseline** (target ≤ 300 MB: {6}).' -f
    [int]$count, [double]$seconds, ([int]$count / [double]$seconds), ([long]$baseline / 1MB), ([long]$peak / 1MB), $above, $(if ($above -le 300) { 'met' } else { 'NOT met' })))
$lines.Add('')
$lines.Add("Load average (1, 5, 15 min) at start: $loadStart; at end: $(& $load). Other work on the machine slows wall times.")

$file = Join-Path $results "embedding-cmdlets-$(Get-Date -Format 'yyyy-MM-dd').md"
$lines | Set-Content -Path $file -Encoding utf8NoBOM
$lines | Write-Host
