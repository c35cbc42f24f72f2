#!/usr/bin/env pwsh
<#
.SYNOPSIS
    A PostgreSQL (pgvector) index of many chunks, built through the store API: COPY and HNSW build times, query p50/p99
    through RagIndexReader, recall@10 against an exact scan; at 100,000 chunks beside a folder index of the same chunks
    (same run, queried alternately) and with halfvec beside vector.
.DESCRIPTION
    dotnet pwsh -NoProfile -File bench/Rag/Measure-PgScale.ps1 [-Chunks 100000] [-CompareFolder] [-HalfVec] [-Queries 1000] [-ExactQueries 300] [-Quick]

    bench/Rag/Harness pg-scale does the work (see PostgresScale.cs): clustered synthetic 384-d vectors (bench/Ann's
    generator, low-rank noise), SciFact sentences as texts, 100 chunks per document, 10 documents per WriteAsync (one
    transaction, binary COPY), CompleteAsync for the HNSW index (m 16, ef_construction 64), then each query vector as
    RagIndexReader.SearchAsync in Vector and in Hybrid mode (the query's embedding, the same for every store, is not
    timed: the vectors are given), after 20 warm-up queries.
    The throwaway server gets shared_buffers 4GB, maintenance_work_mem 6GB and max_parallel_maintenance_workers 1
    (the machine: 2 cores, 24 GiB), so a million-chunk graph is built in memory.
    Results: a section in bench/results/pgvector-<date>.md, printed too.
#>
[CmdletBinding()]
param(
    [int] $Chunks = 100000,
    [switch] $CompareFolder,
    [switch] $HalfVec,
    # hnsw.ef_search values to measure recall@10 and p50 at (bare SQL, the exact queries), e.g. 128,256,512,1000.
    [string] $EfSweep,
    [int] $Queries = 1000,
    [int] $ExactQueries = 300,
    [string] $Data,
    [string] $ModulePath,
    [switch] $Quick,
    [string] $ResultsDirectory
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RagBench.Common.ps1')
. (Join-Path $PSScriptRoot 'PgBench.Common.ps1')
$Data = Find-SciFact $Data
$ModulePath = Resolve-ModulePath $ModulePath
if ($Quick) {
    if (-not $PSBoundParameters.ContainsKey('Chunks')) { $Chunks = 5000 }
    if (-not $PSBoundParameters.ContainsKey('Queries')) { $Queries = 50 }
    if (-not $PSBoundParameters.ContainsKey('ExactQueries')) { $ExactQueries = 50 }
}
$started = Get-Date
$loadAtStart = Get-LoadAverage
$work = New-RagBenchWorkDirectory "pg-scale-$Chunks"
$cluster = $null
try {
    [void](Get-RagHarness)
    $cluster = Start-PgBenchCluster -Settings @{ shared_buffers = '4GB'; maintenance_work_mem = '6GB'; max_parallel_maintenance_workers = '1' }
    $env:MIXTRALPS_RAG_CONNECTION = $cluster.ConnectionString
    $arguments = @('pg-scale', '--chunks', $Chunks, '--name', 'scale', '--queries', $Queries, '--exact-queries', $ExactQueries, '--data', $Data, '--module', $ModulePath, '--out', (Join-Path $work 'scale.json'))
    if ($CompareFolder) { $arguments += @('--folder', (Join-Path $work 'scale.ragidx')) }
    if ($HalfVec) { $arguments += @('--halfvec', 'true') }
    if ($EfSweep) { $arguments += @('--ef-sweep', $EfSweep) }
    Write-BenchProgress "pg-scale: $Chunks chunks$(if ($CompareFolder) { ', beside a folder index' })$(if ($HalfVec) { ', halfvec too' })"
    Invoke-RagHarness $arguments
    $r = Get-Content -Raw (Join-Path $work 'scale.json') | ConvertFrom-Json
    $sizes = Get-PgIndexSizes $cluster 'scale'
    $settings = Get-PgSettingsText $cluster
    $spilled = @(Select-String -Path $cluster.LogFile -Pattern 'no longer fits into maintenance_work_mem' -ErrorAction Ignore).Count -gt 0
    $ms = { param($v) Format-Number $v '0.00' }
    $pg = $r.postgresQuery
    $body = @(
        "$(Format-Number $Chunks '#,0') chunks of $($r.dimensions)-d vectors ($($r.vectors)); texts: SciFact sentences. $Queries timed queries after 20 warm-up ones; recall@10 over the first $([Math]::Min($ExactQueries, $Queries)) against an exact scan of the same vectors. 2 cores shared with other engineers' builds (see the load average): compare within the run.",
        '',
        ('| Build | PostgreSQL |' + $(if ($CompareFolder) { ' folder index |' } else { '' })),
        ('|---|---:|' + $(if ($CompareFolder) { '---:|' } else { '' })),
        "| write: chunks, vectors, postings (PostgreSQL: binary COPY, one transaction per 1,000 chunks) | $(Format-Number $r.postgres.writeSeconds '0.0') s | $(if ($CompareFolder) { "$(Format-Number $r.folder.writeSeconds '0.0') s |" })",
        "| vector index: CompleteAsync (PostgreSQL: HNSW m 16, ef_construction 64, ANALYZE; folder: USearch graph) | $(Format-Number $r.postgres.completeSeconds '0.0') s | $(if ($CompareFolder) { "$(Format-Number $r.folder.completeSeconds '0.0') s |" })",
        "| chunks stored | $($r.postgres.storedChunks) | $(if ($CompareFolder) { "$($r.folder.storedChunks) |" })",
        '',
        ('| Query through RagIndexReader.SearchAsync, top 10, warm | PostgreSQL |' + $(if ($CompareFolder) { ' folder index | ratio | target |' } else { '' })),
        ('|---|---:|' + $(if ($CompareFolder) { '---:|---:|---|' } else { '' }))
    )
    $rows = @(@{ Label = 'Vector p50'; Key = 'vectorP50Ms'; Target = 2 }, @{ Label = 'Vector p99'; Key = 'vectorP99Ms' }, @{ Label = 'the store''s nearest-neighbour call alone (no chunks read back), p50'; Key = 'nearestP50Ms' }, @{ Label = 'Vector p50 with the question''s embedding (all-MiniLM-L6-v2, timed once per query) added: Find-RagContext''s whole search'; Key = 'withEmbeddingP50Ms'; Target = 2 }, @{ Label = 'Hybrid p50'; Key = 'hybridP50Ms' }, @{ Label = 'Hybrid p99'; Key = 'hybridP99Ms' })
    foreach ($row in $rows) {
        $line = "| $($row.Label) | $(& $ms $pg.($row.Key)) ms |"
        if ($CompareFolder) {
            $ratio = $pg.($row.Key) / $r.folderQuery.($row.Key)
            $target = if ($row.ContainsKey('Target')) { "≤ $($row.Target)×: $(if ($ratio -le $row.Target) { 'met' } else { '**NOT met**' })" } else { '' }
            $line += " $(& $ms $r.folderQuery.($row.Key)) ms | $(Format-Number $ratio '0.00')× | $target |"
        }
        $body += $line
    }
    $recallLine = "| recall@10 of the vector search against exact | **$(Format-Number $pg.recallAt10 '0.0000')** |"
    if ($CompareFolder) { $recallLine += " $(Format-Number $r.folderQuery.recallAt10 '0.0000') | | ≥ 0.98 (PostgreSQL): $(if ($pg.recallAt10 -ge 0.98) { 'met' } else { '**NOT met**' }) |" }
    $body += $recallLine
    $body += "| exact scan, one thread (C#, for scale) | $(& $ms $r.exactScanMs) ms per query |$(if ($CompareFolder) { ' | | |' })"
    $body += "| a database round trip, ``SELECT 1`` on a pooled connection, p50 (the floor under each of the store's calls) | $(& $ms $r.roundTripP50Ms) ms |$(if ($CompareFolder) { ' | | |' })"
    if ($HalfVec) {
        $h = $r.halfvec
        $body += @(
            '',
            '| vector or halfvec: the same chunks, two HNSW indexes (m 16, ef_construction 64), the same bare SQL, ef_search 128 | vector(384) | halfvec(384) |',
            '|---|---:|---:|',
            "| HNSW index size | $(Format-Number ($h.vectorIndexBytes / 1MB) '0') MB | $(Format-Number ($h.halfvecIndexBytes / 1MB) '0') MB |",
            "| build | $(Format-Number $r.postgres.completeSeconds '0.0') s (with ANALYZE) | $(Format-Number $h.halfvecBuildSeconds '0.0') s |",
            "| query p50 / p99 | $(& $ms $h.vectorSqlP50Ms) / $(& $ms $h.vectorSqlP99Ms) ms | $(& $ms $h.halfvecSqlP50Ms) / $(& $ms $h.halfvecSqlP99Ms) ms |",
            "| recall@10 against exact | $(Format-Number $h.vectorRecallAt10 '0.0000') | $(Format-Number $h.halfvecRecallAt10 '0.0000') |"
        )
    }
    if ($EfSweep) {
        $body += @('', '| hnsw.ef_search (bare nearest-neighbour SQL, the recall queries) | recall@10 | p50 | p99 |', '|---:|---:|---:|---:|')
        $body += @($r.efSweep | ForEach-Object { "| $($_.efSearch) | $(Format-Number $_.recallAt10 '0.0000') | $(& $ms $_.p50Ms) ms | $(& $ms $_.p99Ms) ms |" })
    }
    $body += @(
        '',
        "- PostgreSQL 15, pgvector 0.8.6; server settings: $settings. Graph built in memory: $(if ($spilled) { '**no** (the server log says the graph no longer fit into maintenance_work_mem)' } else { 'yes (no spill notice in the server log)' }).",
        "- Sizes on disk (tables with TOAST, indexes apart): $sizes.",
        '- The query times are what Find-RagContext spends after embedding the question (the same for both stores; the SciFact section gives the cmdlet''s whole call): search, fusion, reading the chunks back. Queries alternate between the stores.'
    )
    $cmd = "dotnet pwsh -NoProfile -File bench/Rag/Measure-PgScale.ps1 -Chunks $Chunks$(if ($CompareFolder) { ' -CompareFolder' })$(if ($HalfVec) { ' -HalfVec' })$(if ($EfSweep) { " -EfSweep $EfSweep" }) -Queries $Queries -ExactQueries $ExactQueries$(if ($Quick) { ' -Quick' })"
    Write-RagBenchSection -Title "$(Format-Number $Chunks '#,0') chunks on PostgreSQL$(if ($CompareFolder) { ' beside a folder index' })" -Body $body -Started $started -LoadAtStart $loadAtStart `
        -Command $cmd -ModulePath $ModulePath -Quick:$Quick -ResultsDirectory $ResultsDirectory -Prefix pgvector -FileTitle $PgBenchFileTitle
}
finally {
    Remove-Item Env:MIXTRALPS_RAG_CONNECTION -ErrorAction Ignore
    if ($cluster) { Stop-PgTestCluster $cluster }
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
