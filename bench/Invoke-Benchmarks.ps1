<#
.SYNOPSIS
    Runs every benchmark (build.ps1 Bench). Each writes dated results with the machine to bench/results.
    Timings are only comparable on an otherwise idle machine: each report records the load average.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $Configuration = 'Release',
    # Small sizes, to check that everything runs.
    [switch] $Quick
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
$quickArg = if ($Quick) { @('--quick') } else { @() }

function Invoke-Step([string] $Name, [scriptblock] $Run) {
    Write-Host "`n== $Name" -ForegroundColor Cyan
    & $Run
    if ($LASTEXITCODE) { throw "$Name failed (exit code $LASTEXITCODE)." }
}

dotnet build (Join-Path $root 'tests/MixtralPS.TestServer') -c $Configuration -nologo -v quiet | Out-Host
Invoke-Step 'Chat streaming and import time (bench/Chat)' { dotnet run --project (Join-Path $root 'bench/Chat') -c $Configuration -- --module $ModulePath @quickArg }
Invoke-Step 'Local embeddings: SciFact quality and speed (bench/Embeddings)' { dotnet run --project (Join-Path $root 'bench/Embeddings') -c $Configuration -- @quickArg }
Invoke-Step 'Embedding cmdlets: API batching and pipeline memory (bench/Cmdlets)' {
    $sizes = if ($Quick) { @{ ApiChunks = 100; MemoryTexts = 500 } } else { @{} }
    & (Join-Path $PSScriptRoot 'Cmdlets/Invoke-EmbeddingCmdletBenchmarks.ps1') -ModulePath $ModulePath @sizes
}
Invoke-Step 'Chat -Each: one request per piped item (bench/Cmdlets)' {
    $sizes = if ($Quick) { @{ Items = 100 } } else { @{} }
    & (Join-Path $PSScriptRoot 'Cmdlets/Invoke-ChatEachBenchmark.ps1') -ModulePath $ModulePath @sizes
}
Invoke-Step 'MCP server: search over stdio and start to first answer (bench/Mcp)' {
    $sizes = if ($Quick) { @{ Queries = 20; ColdRuns = 2 } } else { @{} }
    & (Join-Path $PSScriptRoot 'Mcp/Invoke-McpBenchmark.ps1') -ModulePath $ModulePath @sizes
}
Invoke-Step 'HNSW against exact search (bench/Ann)' { dotnet run --project (Join-Path $root 'bench/Ann') -c $Configuration -- @quickArg }
Invoke-Step 'Retrieval end to end (bench/Rag)' {
    & (Join-Path $PSScriptRoot 'Rag/Invoke-RagBenchmarks.ps1') -Quick:$Quick
}
