<#
.SYNOPSIS
    Start-MixtralMcpServer over stdio against Find-RagContext on the same index (the project's docs, local model):
    the search tool's round trip (request line written to the server's stdin, to its answer line read from stdout)
    against a warm Find-RagContext in this session, p50 and p90; and a server's start to its first answer (process
    start, initialize, one search) against a cold Find-RagContext (a fresh pwsh importing the module and asking once).
    Writes bench/results/mcp-<date>.md.
.PARAMETER ModulePath
    The built module folder (out/MixtralPS).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Queries = 200,
    [int] $ColdRuns = 5,
    [string] $ResultsDirectory = (Join-Path $PSScriptRoot '../results')
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$load = { (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ' }
$loadStart = & $load
$cpu = (Select-String -Path /proc/cpuinfo -Pattern '^model name' | Select-Object -First 1).Line.Split(':')[1].Trim()
Remove-Item Env:MIXTRAL_EMBED_MODEL -ErrorAction SilentlyContinue
Import-Module (Join-Path $ModulePath 'MixtralPS.psd1') -Force

$work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-mcp-bench-$([guid]::NewGuid().ToString('N'))"
$null = New-Item -ItemType Directory -Path (Join-Path $work 'docs')
Copy-Item (Join-Path $root 'docs/*.md'), (Join-Path $root 'docs/help/*.md'), (Join-Path $root 'README.md') (Join-Path $work 'docs')
$index = Join-Path $work 'docs.ragidx'
Get-ChildItem (Join-Path $work 'docs') -File | New-RagIndex -Path $index | Out-Null
$questions = 'How does the index stay consistent when a writer is killed?', 'What does write.lock do?',
    'Which stemming does the keyword index use?', 'How are vector and keyword results fused?', 'How do I serve an index to VS Code?',
    'What does -InvokeTools Confirm do?', 'Where is the chat log kept?', 'How are secrets redacted from piped data?',
    'Which models can embed offline?', 'How is a scanned PDF read?'

function Get-Percentile([double[]] $Values, [double] $P) {
    $sorted = $Values | Sort-Object
    $sorted[[Math]::Min($sorted.Count - 1, [int][Math]::Floor($P * $sorted.Count))]
}

# The server as an editor starts it: a fresh pwsh, the module imported, serving over stdio.
function Start-StdioServer {
    $hostPath = [Environment]::ProcessPath
    $info = [System.Diagnostics.ProcessStartInfo]::new($hostPath)
    if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModulePath'; Start-MixtralMcpServer -Path '$index'") { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($info)
    $null = $p.StandardError.ReadToEndAsync()
    $p
}

$script:id = 0
function New-Request([string] $Method, [hashtable] $Params) {
    $script:id++
    @{ jsonrpc = '2.0'; id = $script:id; method = $Method; params = $Params } | ConvertTo-Json -Compress -Depth 10
}

# One request line written, its answer line read: the round trip. JSON is made before and read after, outside it.
function Send-Line($Process, [string] $Request) {
    $Process.StandardInput.WriteLine($Request)
    $line = $Process.StandardOutput.ReadLine()
    if ($null -eq $line) { throw "The server closed its output." }
    $line
}

function Read-Answer([string] $Line) {
    $answer = $Line | ConvertFrom-Json
    if ($answer.error -or $answer.result.isError) { throw "The server answered with an error: $Line" }
    $answer
}

function Send-Request($Process, [string] $Method, [hashtable] $Params) {
    Read-Answer (Send-Line $Process (New-Request $Method $Params))
}

function Initialize-Session($Process) {
    $null = Send-Request $Process 'initialize' @{ protocolVersion = '2025-06-18'; capabilities = @{}; clientInfo = @{ name = 'bench'; version = '1' } }
    $Process.StandardInput.WriteLine('{"jsonrpc":"2.0","method":"notifications/initialized"}')
}

function Search($Process, [string] $Query) {
    Send-Request $Process 'tools/call' @{ name = 'search'; arguments = @{ query = $Query; top = 4 } }
}

try {
    # Warm Find-RagContext: the reader is pooled and the model loaded by the first call.
    Find-RagContext $questions[0] -Path $index | Out-Null
    $warm = foreach ($i in 1..$Queries) {
        $q = $questions[$i % $questions.Count]
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $null = Find-RagContext $q -Path $index
        $clock.Elapsed.TotalMilliseconds
    }

    # The search tool over stdio, warm: one session, its first search left out.
    $server = Start-StdioServer
    try {
        Initialize-Session $server
        $null = Search $server $questions[0]
        $roundTrips = foreach ($i in 1..$Queries) {
            $request = New-Request 'tools/call' @{ name = 'search'; arguments = @{ query = $questions[$i % $questions.Count]; top = 4 } }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $line = Send-Line $server $request
            $clock.Elapsed.TotalMilliseconds
            $answer = Read-Answer $line
            if ($answer.result.structuredContent.results.Count -ne 4) { throw "search answered $($answer.result.structuredContent.results.Count) chunks, not 4." }
        }
    }
    finally { $server.StandardInput.Close(); if (-not $server.WaitForExit(10000)) { $server.Kill($true) } }

    # Cold: a server's start to its first answer, against a fresh pwsh running Find-RagContext once.
    $coldServer = foreach ($i in 1..$ColdRuns) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $server = Start-StdioServer
        try {
            Initialize-Session $server
            $null = Search $server $questions[$i % $questions.Count]
            $clock.Elapsed.TotalMilliseconds
        }
        finally { $server.StandardInput.Close(); if (-not $server.WaitForExit(10000)) { $server.Kill($true) } }
    }
    $coldFind = foreach ($i in 1..$ColdRuns) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $hostPath = [Environment]::ProcessPath
        $arguments = @(if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) +
            @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModulePath'; Find-RagContext '$($questions[$i % $questions.Count] -replace "'", "''")' -Path '$index' | Out-Null")
        & $hostPath @arguments
        if ($LASTEXITCODE) { throw "The cold Find-RagContext failed (exit code $LASTEXITCODE)." }
        $clock.Elapsed.TotalMilliseconds
    }
}
finally {
    Remove-Module MixtralPS -ErrorAction SilentlyContinue
}

$sources = (Get-ChildItem (Join-Path $work 'docs') -File).Count
Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
$warmP50 = Get-Percentile $warm 0.5; $warmP90 = Get-Percentile $warm 0.9
$mcpP50 = Get-Percentile $roundTrips 0.5; $mcpP90 = Get-Percentile $roundTrips 0.9
$startMedian = Get-Percentile $coldServer 0.5; $findMedian = Get-Percentile $coldFind 0.5
$lines = @(
    "# MCP server benchmark, $(Get-Date -Format 'yyyy-MM-dd HH:mm:ss zzz')"
    ''
    "- Machine: $cpu, $([Environment]::ProcessorCount) logical processors; $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription); pwsh $($PSVersionTable.PSVersion); commit $(git -C $PSScriptRoot rev-parse --short HEAD)"
    "- Load average at start / end: $loadStart / $(& $load)"
    "- Script: bench/Mcp/Invoke-McpBenchmark.ps1 ($Queries searches each, top 4, hybrid; $ColdRuns cold runs each); index: the project's docs ($sources files), all-MiniLM-L6-v2 (local)"
    ''
    '| warm search | p50 | p90 |'
    '|---|---:|---:|'
    ('| Find-RagContext in this session | {0:0.00} ms | {1:0.00} ms |' -f $warmP50, $warmP90)
    ('| search tool over stdio (request written to answer read) | {0:0.00} ms | {1:0.00} ms |' -f $mcpP50, $mcpP90)
    ''
    '| cold: process start to first answer | median | runs (ms) |'
    '|---|---:|---|'
    ('| Start-MixtralMcpServer: start, initialize, one search | {0:0} ms | {1} |' -f $startMedian, (($coldServer | ForEach-Object { '{0:0}' -f $_ }) -join ', '))
    ('| fresh pwsh: Import-Module, Find-RagContext once | {0:0} ms | {1} |' -f $findMedian, (($coldFind | ForEach-Object { '{0:0}' -f $_ }) -join ', '))
    ''
    ('Round trip p50 {0:0.00} ms against warm Find-RagContext p50 {1:0.00} ms ({2:0.00}x); target within 2x: {3}.' -f $mcpP50, $warmP50, ($mcpP50 / $warmP50), $(if ($mcpP50 -le 2 * $warmP50) { 'met' } else { 'NOT met' }))
    ('Start to first answer {0:0} ms against cold Find-RagContext {1:0} ms; target no slower: {2}.' -f $startMedian, $findMedian, $(if ($startMedian -le $findMedian) { 'met' } else { 'NOT met' }))
    'The client here is this pwsh writing a JSON-RPC request line to the server''s stdin and reading its answer line from stdout; the request''s JSON is made before the clock starts and the answer parsed after it stops, so the round trip is the server''s whole cost (reading, the search, the answer''s JSON) and two pipe crossings.'
)
New-Item -ItemType Directory -Force -Path $ResultsDirectory | Out-Null
$file = Join-Path $ResultsDirectory "mcp-$(Get-Date -Format 'yyyy-MM-dd').md"
Set-Content -Path $file -Value $lines -Encoding utf8NoBOM
$lines | Write-Host
Write-Host "Written to $file"
