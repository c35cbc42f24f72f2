#!/usr/bin/env pwsh
<#
.SYNOPSIS
    SciFact through the cmdlets on a PostgreSQL (pgvector) index beside a folder index, in one run: Vector, Keyword and
    Hybrid nDCG@10 of both, and what ingest into the database costs outside the embedding model.
.DESCRIPTION
    dotnet pwsh -NoProfile -File bench/Rag/Measure-PgSciFact.ps1 [-Model all-MiniLM-L6-v2] [-Data DIR] [-ModulePath DIR] [-Quick]

    Needs PostgreSQL 15 with pgvector (build/postgres/Install-PgVector.ps1). A throwaway cluster is started with
    tests/Pester/PgCluster.psm1 (durability back on: fsync, full_page_writes, synchronous_commit), stopped afterwards.
    The phases are Measure-SciFactRetrieval.ps1's own, each in a fresh pwsh, on the same fitted texts:
      1. Index into a folder (New-RagIndex -Path), writing the items it piped;   2. Index into the database
      (New-RagIndex -ConnectionString -Name, the string passed in $env:MIXTRALPS_RAG_CONNECTION);
      3./4. the 300 test queries through Find-RagContext -Top 10 in Vector, Hybrid and Keyword mode on each.
      5. Outside embedding: bench/Rag/Harness pg-ingest runs the same items through the same RagIngestor into a
         second database index with the model replaced by a lookup of the vectors step 1 stored; its total (chunking,
         COPY, postings, HNSW build, ANALYZE) over the cmdlet's total of step 2 is the share outside embedding.
    Results: a section in bench/results/pgvector-<date>.md, printed too.
#>
[CmdletBinding()]
param(
    [string] $ModulePath,
    [string] $Data,
    [ValidateSet('all-MiniLM-L6-v2', 'snowflake-arctic-embed-xs')]
    [string] $Model = 'all-MiniLM-L6-v2',
    [switch] $Quick,
    [switch] $KeepWork,
    [string] $ResultsDirectory
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RagBench.Common.ps1')
. (Join-Path $PSScriptRoot 'PgBench.Common.ps1')
$ModulePath = Resolve-ModulePath $ModulePath
$Data = Find-SciFact $Data
$started = Get-Date
$loadAtStart = Get-LoadAverage
$work = New-RagBenchWorkDirectory "pg-scifact-$Model"
$cluster = $null
try {
    $cluster = Start-PgBenchCluster
    $env:MIXTRALPS_RAG_CONNECTION = $cluster.ConnectionString
    $script = Join-Path $PSScriptRoot 'Measure-SciFactRetrieval.ps1'
    $common = @('-ModulePath', $ModulePath, '-Data', $Data, '-Model', $Model) + $(if ($Quick) { @('-Quick') } else { @() })
    $folder = Join-Path $work 'scifact.ragidx'
    $items = Join-Path $work 'items.jsonl'
    $stores = [ordered]@{ Folder = @('-IndexPath', $folder); PostgreSQL = @('-IndexName', 'scifact') }
    $indexed = @{}; $queried = @{}
    foreach ($store in $stores.Keys) {
        Write-BenchProgress "SciFact: indexing into the $store store, fresh pwsh"
        $extra = if ($store -eq 'Folder') { @('-ItemsFile', $items) } else { @() }
        Invoke-FreshPwsh -File $script -Arguments ($common + $stores[$store] + $extra + @('-Phase', 'Index', '-ResultFile', (Join-Path $work "$store-index.json")))
        $indexed[$store] = Get-Content -Raw (Join-Path $work "$store-index.json") | ConvertFrom-Json
    }
    foreach ($store in $stores.Keys) {
        Write-BenchProgress "SciFact: queries on the $store store, fresh pwsh"
        Invoke-FreshPwsh -File $script -Arguments ($common + $stores[$store] + @('-Phase', 'Query', '-ResultFile', (Join-Path $work "$store-query.json")))
        $queried[$store] = Get-Content -Raw (Join-Path $work "$store-query.json") | ConvertFrom-Json -AsHashtable
    }
    Write-BenchProgress 'ingest outside embedding: the same items into a second database index, model replaced by a lookup'
    Invoke-RagHarness @('pg-ingest', '--items', $items, '--reference', $folder, '--name', 'scifact_lookup', '--module', $ModulePath, '--out', (Join-Path $work 'pg-ingest.json'))
    $other = Get-Content -Raw (Join-Path $work 'pg-ingest.json') | ConvertFrom-Json
    $sizes = Get-PgIndexSizes $cluster 'scifact'

    $sciFact = Read-SciFact $Data
    $queries = @($sciFact.Queries)
    if ($Quick) { $queries = $queries | Select-Object -First 20 }
    $f5 = { param($v) Format-Number $v '0.00000' }
    $rows = foreach ($mode in @(@{ Name = 'Vector'; Key = 'Ranked'; Tolerance = 0.005 }, @{ Name = 'Keyword'; Key = 'RankedKeyword'; Tolerance = 0.01 }, @{ Name = 'Hybrid'; Key = 'RankedHybrid'; Tolerance = 0.01 })) {
        $score = @{}
        foreach ($store in $stores.Keys) {
            $ranked = $queried[$store][$mode.Key]
            $score[$store] = ($queries | ForEach-Object { Get-Ndcg -Ranked @($ranked[$_.Id]) -Judged $sciFact.Qrels[$_.Id] -K 10 } | Measure-Object -Average).Average
        }
        $overlap = ($queries | ForEach-Object {
                $a = @($queried.Folder[$mode.Key][$_.Id]); $b = @($queried.PostgreSQL[$mode.Key][$_.Id])
                @($b | Where-Object { $a -contains $_ }).Count / [Math]::Max(1, $a.Count)
            } | Measure-Object -Average).Average
        $d = $score.PostgreSQL - $score.Folder
        $met = if ([Math]::Abs($d) -le $mode.Tolerance) { 'met' } else { '**NOT met**' }
        "| $($mode.Name) | $(& $f5 $score.Folder) | **$(& $f5 $score.PostgreSQL)** | $(& $f5 $d) | $(Format-Number $overlap '0.0000') | within ±$($mode.Tolerance): $met |"
    }
    $q = @{}; foreach ($store in $stores.Keys) { $q[$store] = [double[]]$queried[$store].TimesMs }
    $pgTotal = $indexed.PostgreSQL.IndexSeconds
    $share = $other.totalSeconds / $pgTotal
    $body = @(
        "$($indexed.Folder.Documents) documents, $(@($queries).Count) test queries, model $Model; the same fitted texts (one chunk each) in both stores. Both stores queried in the same run; 2 cores shared with other engineers' builds (see the load average), so compare the two columns, not absolute times.",
        '',
        '| nDCG@10 through Find-RagContext -Top 10 | folder index | PostgreSQL | PostgreSQL − folder | top-10 overlap | target |',
        '|---|---:|---:|---:|---:|---|'
    ) + @($rows) + @(
        '',
        '| Ingest and query | folder index | PostgreSQL |',
        '|---|---:|---:|',
        ('| `$items \| New-RagIndex` wall (model load included) | ' + "$(Format-Number $indexed.Folder.IndexSeconds '0.0') s | $(Format-Number $pgTotal '0.0') s |"),
        "| process CPU time of that pwsh (the server's CPU not included) | $(Format-Number $indexed.Folder.CpuSeconds '0.0') s | $(Format-Number $indexed.PostgreSQL.CpuSeconds '0.0') s |",
        "| chunks (summary) | $($indexed.Folder.Summary.Chunks) | $($indexed.PostgreSQL.Summary.Chunks) |",
        "| Find-RagContext -Mode Vector: first call (reader + model load) | $(Format-Number $queried.Folder.FirstCallMs '0') ms | $(Format-Number $queried.PostgreSQL.FirstCallMs '0') ms |",
        "| Find-RagContext -Mode Vector: per call p50 / p90 (query embedding included) | $(Format-Number (Get-Median $q.Folder) '0.0') / $(Format-Number (Get-Percentile $q.Folder 90) '0.0') ms | $(Format-Number (Get-Median $q.PostgreSQL) '0.0') / $(Format-Number (Get-Percentile $q.PostgreSQL 90) '0.0') ms |",
        '',
        '| Ingest into PostgreSQL outside embedding (bench/Rag/Harness pg-ingest, same items, model replaced by a lookup) | seconds |',
        '|---|---:|',
        "| open (extension, schema) | $(Format-Number $other.openSeconds '0.00') |",
        "| chunking (token counts with the model's tokenizer) | $(Format-Number $other.chunkSeconds '0.00') |",
        "| vector lookup (stands in for the model) | $(Format-Number $other.lookupSeconds '0.00') |",
        "| store: documents, binary COPY of chunks and postings, stats, one transaction per batch | $(Format-Number $other.storeSeconds '0.00') |",
        "| CompleteAsync: HNSW build (m 16, ef_construction 64) and ANALYZE | $(Format-Number $other.completeSeconds '0.00') |",
        "| **total outside embedding** | **$(Format-Number $other.totalSeconds '0.00')** |",
        "| share of the cmdlet's PostgreSQL ingest ($(Format-Number $pgTotal '0.0') s) | **$(Format-Number (100 * $share) '0.0') %** (target ≤ 10 %: $(if ($share -le 0.10) { 'met' } else { '**NOT met**' })) |",
        '',
        "- How the share is measured: the cmdlet's run (step 2) cannot be split from inside; so the same items went through the same RagIngestor, chunker, batches and store a second time in the same run, with the ONNX model replaced by a dictionary lookup of the vectors the folder run stored ($($other.missingVectors) texts missing). What that run takes is everything but the model; the PowerShell pipeline's binding of $($indexed.Folder.Documents) objects is not in it (it is in the cmdlet's total, in both stores alike).",
        "- Database sizes (tables with TOAST, indexes apart): $sizes.",
        "- Server: PostgreSQL 15 with pgvector, a throwaway cluster on 127.0.0.1 with fsync, full_page_writes and synchronous_commit on; default memory settings (shared_buffers 128 MB).",
        "- Keyword on both stores is BM25 with FTS5's formula (k1 1.2, b 0.75) over the module's analyzer's terms: FTS5's bm25() on the folder, the postings table on PostgreSQL."
    )
    $cmd = "dotnet pwsh -NoProfile -File bench/Rag/Measure-PgSciFact.ps1 -Model $Model$(if ($Quick) { ' -Quick' })"
    Write-RagBenchSection -Title "SciFact through the cmdlets: PostgreSQL store beside the folder store ($Model)" -Body $body -Started $started -LoadAtStart $loadAtStart `
        -ModulePath $ModulePath -Command $cmd -Quick:$Quick -ResultsDirectory $ResultsDirectory -Prefix pgvector -FileTitle $PgBenchFileTitle
}
finally {
    Remove-Item Env:MIXTRALPS_RAG_CONNECTION -ErrorAction Ignore
    if ($cluster) { Stop-PgTestCluster $cluster }
    if ($KeepWork) { Write-BenchProgress "work folder kept: $work" } else { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}
