#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Runs the RAG benchmarks against the built module: SciFact retrieval through the cmdlets, a ~10 MB ingest split
    into embedding and the rest, query latency on a 100,000-chunk index, retrieval quality on the three
    evaluation sets through Test-RagIndex (Measure-RetrievalQuality.ps1), and the PostgreSQL store (pgvector)
    beside the folder store: SciFact through the cmdlets, 100,000 chunks, 1,000,000 chunks.
.DESCRIPTION
    dotnet tool restore; dotnet pwsh -NoProfile -File build.ps1 Build
    dotnet pwsh -NoProfile -File bench/Rag/Invoke-RagBenchmarks.ps1 [-Quick] [-IncludeArctic] [-Only SciFact,Ingest,Latency,Quality,Postgres]
        [-ModulePath out/MixtralPS] [-Data shared/data/scifact] [-ResultsDirectory bench/results] [-Build]

    Each benchmark runs in its own fresh pwsh -NoProfile process (and starts further fresh processes for its
    phases); each appends a section to bench/results/rag-<yyyy-MM-dd>.md (rag-<yyyy-MM-dd>-quick.md with -Quick)
    and prints it. -Quick uses small sizes: a smoke test of a few minutes, not figures to quote.
    Full sizes on 2 cores take hours (SciFact indexing ~25 min, the 10 MB ingest plus its embedding pass ~2 h):
    see each script's help. Postgres (bench/results/pgvector-<date>.md) needs PostgreSQL 15 with pgvector
    (build/postgres/Install-PgVector.ps1) and is left out, with a warning, where there is none; the 1,000,000-chunk
    run alone takes about an hour here. SciFact data is found by walking up from here to shared/data/scifact, or given by -Data.
    -Commit names the commit when run from a tree without .git (a git archive export).
#>
[CmdletBinding()]
param(
    [switch] $Quick,
    [switch] $IncludeArctic,
    [ValidateSet('SciFact', 'Ingest', 'Latency', 'Quality', 'Postgres')]
    [string[]] $Only = @('SciFact', 'Ingest', 'Latency', 'Quality', 'Postgres'),
    [string] $ModulePath,
    [string] $Data,
    [string] $ResultsDirectory,
    [string] $Commit,
    [switch] $Build
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RagBench.Common.ps1')
$root = Get-RagBenchRoot
if ($Build) {
    Invoke-FreshPwsh -File (Join-Path $root 'build.ps1') -Arguments @('Build')
}
$ModulePath = Resolve-ModulePath $ModulePath
$Data = Find-SciFact $Data
if ($Commit) { $env:MIXTRALPS_BENCH_COMMIT = $Commit }
if (-not $ResultsDirectory) { $ResultsDirectory = Join-Path $root 'bench/results' }
[void](Get-RagHarness)   # built once up front, so no benchmark times a build

$common = @('-ModulePath', $ModulePath, '-Data', $Data, '-ResultsDirectory', $ResultsDirectory) + $(if ($Quick) { @('-Quick') } else { @() })
$failed = @()
$runs = @()
if ($Only -contains 'SciFact') {
    $runs += , @('Measure-SciFactRetrieval.ps1', @('-Model', 'all-MiniLM-L6-v2'))
    if ($IncludeArctic) { $runs += , @('Measure-SciFactRetrieval.ps1', @('-Model', 'snowflake-arctic-embed-xs')) }
}
if ($Only -contains 'Ingest') { $runs += , @('Measure-RagIngest.ps1', @()) }
if ($Only -contains 'Latency') {
    # The targets are measured on chunks embedded with the local model (about 30 min to build here, kept in the temp
    # folder for the next run); random vectors, the graph's worst case, beside it.
    $latencyWork = @('-WorkDirectory', (Join-Path ([IO.Path]::GetTempPath()) "mixtralps-bench-latency$(if ($Quick) { '-quick' })"))
    if (-not $Quick) { $runs += , @('Measure-RagQueryLatency.ps1', (@('-Vectors', 'Embedded') + $latencyWork)) }
    $runs += , @('Measure-RagQueryLatency.ps1', (@('-Vectors', 'Random') + $latencyWork))
}
# Debian docs, mixed-language man pages and SciFact, every mode, beside plain BM25 (retrieval-quality-<date>.md).
if ($Only -contains 'Quality') { $runs += , @('Measure-RetrievalQuality.ps1', @()) }
if ($Only -contains 'Postgres') {
    Import-Module (Join-Path $root 'tests/Pester/PgCluster.psm1')
    $pg = Get-PgAvailability
    if (-not $pg.Available) { Write-Warning "PostgreSQL benchmarks left out: $($pg.Reason)" }
    elseif ($Quick) {
        $runs += , @('Measure-PgSciFact.ps1', @())
        $runs += , @('Measure-PgScale.ps1', @('-CompareFolder', '-HalfVec'))
    }
    else {
        $runs += , @('Measure-PgSciFact.ps1', @())
        $runs += , @('Measure-PgScale.ps1', @('-Chunks', '100000', '-CompareFolder', '-HalfVec'))
        $runs += , @('Measure-PgScale.ps1', @('-Chunks', '1000000', '-Queries', '1000', '-ExactQueries', '100'))
    }
}

$clock = [Diagnostics.Stopwatch]::StartNew()
foreach ($run in $runs) {
    Write-BenchProgress "=== $($run[0]) $($run[1] -join ' ')"
    try { Invoke-FreshPwsh -File (Join-Path $PSScriptRoot $run[0]) -Arguments ($common + $run[1]) }
    catch { Write-Warning "$_"; $failed += $run[0] }
}
$file = Join-Path $ResultsDirectory ("rag-{0:yyyy-MM-dd}{1}.md" -f (Get-Date), $(if ($Quick) { '-quick' } else { '' }))
Write-BenchProgress "all done in $([Math]::Round($clock.Elapsed.TotalMinutes, 1)) min; results in $file"
if ($failed) { Write-Error "failed: $($failed -join ', ')" -ErrorAction Continue; exit 1 }
