#!/usr/bin/env pwsh
<#
.SYNOPSIS
    SciFact end to end through the cmdlets: New-RagIndex over the 5,183 abstracts (one chunk each), the 300 test
    queries through Find-RagContext -Top 10, nDCG@10 against the published MTEB score and against exact search.
.DESCRIPTION
    dotnet pwsh -NoProfile -File bench/Rag/Measure-SciFactRetrieval.ps1 [-Model all-MiniLM-L6-v2] [-Data DIR] [-ModulePath DIR] [-Quick]

    Each phase runs in a fresh pwsh -NoProfile process that imports the built module:
      Index  each document as MTEB embeds it, title + " " + text, piped as [pscustomobject]@{ Source = id; Text = ... }
             into New-RagIndex -Chunker Fixed -ChunkSize 100000. The cmdlet never truncates: it splits any chunk over
             the model's token limit (256 for all-MiniLM-L6-v2, 512 for arctic-embed-xs), and 71 % of SciFact
             abstracts are longer than 256 tokens. So each text is first cut, with the model's own tokenizer, to the
             longest run of whole words that fits the limit: what the model would see after truncation (to within the
             pieces of the one word cut), and one chunk per document, which the summary must confirm (5,183 chunks).
      Query  the 300 test queries, one Find-RagContext -Top 10 call each, timed; the first call (reader and model
             load) is reported apart.
      Exact  the same on a copy of the index without its vectors.*.usearch graph: Find-RagContext then scans every
             stored embedding, in a new process, so no cached reader is reused.
    Results: a section in bench/results/rag-<date>.md (rag-<date>-quick.md with -Quick), printed too.
    -Quick: 150 documents (those judged for the first 20 queries, then others), 20 queries: a smoke test only.
#>
[CmdletBinding()]
param(
    [ValidateSet('Run', 'Index', 'Query')]
    [string] $Phase = 'Run',
    [string] $ModulePath,
    [string] $Data,
    [ValidateSet('all-MiniLM-L6-v2', 'snowflake-arctic-embed-xs')]
    [string] $Model = 'all-MiniLM-L6-v2',
    [switch] $Quick,
    [switch] $KeepWork,
    [string] $ResultsDirectory,
    # Phase workers only:
    [string] $IndexPath,
    # A database index instead of -IndexPath: its -Name; the connection string comes from $env:MIXTRALPS_RAG_CONNECTION
    # (as the cmdlets read it), so no password is on a command line (bench/Rag/Measure-PgSciFact.ps1).
    [string] $IndexName,
    # Index phase: also write the fitted items (Source, Text) here, one JSON object a line.
    [string] $ItemsFile,
    [string] $ResultFile
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RagBench.Common.ps1')
$ModulePath = Resolve-ModulePath $ModulePath
$Data = Find-SciFact $Data
$QuickQueries = 20
$QuickDocuments = 150
$Target = if ($IndexName) { @{ ConnectionString = $env:MIXTRALPS_RAG_CONNECTION; Name = $IndexName } } else { @{ Path = $IndexPath } }

# The published MTEB SciFact nDCG@10 (embeddings-benchmark/results, see shared/README.md).
$Published = @{ 'all-MiniLM-L6-v2' = 0.64508; 'snowflake-arctic-embed-xs' = 0.64512 }

function Get-Subset($sciFact) {
    $queries = @($sciFact.Queries)
    $corpus = @($sciFact.Corpus)
    if (-not $Quick) { return $queries, $corpus }
    $queries = $queries | Select-Object -First $QuickQueries
    $wanted = [Collections.Generic.HashSet[string]]::new([string[]]@($queries | ForEach-Object { $sciFact.Qrels[$_.Id].Keys }))
    $judged = $corpus | Where-Object { $wanted.Contains($_.Id) }
    $others = $corpus | Where-Object { -not $wanted.Contains($_.Id) } | Select-Object -First ($QuickDocuments - @($judged).Count)
    return $queries, (@($judged) + @($others))
}

if ($Phase -eq 'Index') {
    $ProgressPreference = 'SilentlyContinue'
    $importClock = [Diagnostics.Stopwatch]::StartNew()
    Import-Module (Join-Path $ModulePath 'MixtralPS.psd1')
    $importMs = $importClock.Elapsed.TotalMilliseconds
    $sciFact = Read-SciFact $Data
    $null, $corpus = Get-Subset $sciFact
    $info = [MixtralPS.Core.Embeddings.LocalModelCatalog]::Get($Model)
    $vocabulary = [IO.Path]::Combine($ModulePath, 'models', $info.Name, [MixtralPS.Core.Embeddings.LocalModelInfo]::VocabularyFileName)
    # The tokenizer alone (not the ONNX session), so the cmdlet still loads its model inside the timed run.
    $tokenizer = [MixtralPS.Core.Embeddings.WordPieceTokenizer]::FromVocabularyFile($vocabulary, $info.LowerCase)
    $limit = $info.DefaultMaxTokens
    $fitClock = [Diagnostics.Stopwatch]::StartNew()
    $cut = 0; $exact = 0; $keptTokens = [Collections.Generic.List[int]]::new()
    $items = foreach ($doc in $corpus) {
        $text, $count, $wasCut, $asTruncation = Get-FittedText $tokenizer ("$($doc.Title) $($doc.Text)").Trim() $limit
        if ($wasCut) { $cut++; $keptTokens.Add($count); if ($asTruncation) { $exact++ } }
        [pscustomobject]@{ Source = $doc.Id; Text = $text }
    }
    $fitSeconds = $fitClock.Elapsed.TotalSeconds
    if ($ItemsFile) { $items | ForEach-Object { $_ | ConvertTo-Json -Compress } | Set-Content -Path $ItemsFile -Encoding utf8NoBOM }
    Write-BenchProgress "indexing $($items.Count) documents ($cut cut to $limit tokens) with $Model"
    $cpu0 = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $summary = $items | New-RagIndex @Target -Model $Model -Chunker Fixed -ChunkSize 100000
    $seconds = $clock.Elapsed.TotalSeconds
    $cpu = ([Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $cpu0).TotalSeconds
    [ordered]@{
        Documents = $items.Count; Cut = $cut; CutAsTruncation = $exact; Limit = $limit
        MeanKeptTokensOfCut = if ($keptTokens.Count) { ($keptTokens | Measure-Object -Average).Average } else { 0 }
        MinKeptTokensOfCut = if ($keptTokens.Count) { ($keptTokens | Measure-Object -Minimum).Minimum } else { 0 }
        FitSeconds = $fitSeconds; ImportMs = $importMs; IndexSeconds = $seconds; CpuSeconds = $cpu
        Summary = [ordered]@{ Added = $summary.Added; Failed = $summary.Failed; Documents = $summary.Documents; Chunks = $summary.Chunks; ChunksWritten = $summary.ChunksWritten; Elapsed = $summary.Elapsed.TotalSeconds }
        Files = @(if (-not $IndexName) { Get-ChildItem $IndexPath | ForEach-Object { [ordered]@{ Name = $_.Name; Bytes = $_.Length } } })
    } | ConvertTo-Json -Depth 5 | Set-Content -Path $ResultFile -Encoding utf8NoBOM
    return
}

if ($Phase -eq 'Query') {
    $ProgressPreference = 'SilentlyContinue'
    Import-Module (Join-Path $ModulePath 'MixtralPS.psd1')
    $sciFact = Read-SciFact $Data
    $queries, $null = Get-Subset $sciFact
    $mode = 'graph'
    # Builds with hybrid retrieval (-Mode, Hybrid by default) are asked for the vector search the published scores are about.
    $hasMode = (Get-Command Find-RagContext).Parameters.ContainsKey('Mode')
    $vector = if ($hasMode) { @{ Mode = 'Vector' } } else { @{} }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    # The first call opens the reader and loads the model; its verbose stream says whether it scans exactly.
    $verbose = Find-RagContext -Query $queries[0].Text @Target -Top 10 @vector -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }
    $firstMs = $clock.Elapsed.TotalMilliseconds
    if ($verbose | Where-Object { $_.Message -like '*searching the stored embeddings exactly*' }) { $mode = 'exact' }
    $ranked = [ordered]@{}
    $times = [Collections.Generic.List[double]]::new()
    $all = [Diagnostics.Stopwatch]::StartNew()
    foreach ($q in $queries) {
        $clock.Restart()
        $hits = Find-RagContext -Query $q.Text @Target -Top 10 @vector
        $times.Add($clock.Elapsed.TotalMilliseconds)
        $ranked[$q.Id] = @($hits | ForEach-Object Source)
    }
    $totalSeconds = $all.Elapsed.TotalSeconds
    $hybrid = $null; $keyword = $null
    if ($hasMode -and $mode -eq 'graph') {
        # The hybrid retrieval issue's targets: the default Hybrid mode (vector + BM25 fused) and Keyword alone.
        $hybrid = [ordered]@{}; $keyword = [ordered]@{}
        foreach ($q in $queries) {
            $hybrid[$q.Id] = @(Find-RagContext -Query $q.Text @Target -Top 10 -Mode Hybrid | ForEach-Object Source)
            $keyword[$q.Id] = @(Find-RagContext -Query $q.Text @Target -Top 10 -Mode Keyword | ForEach-Object Source)
        }
    }
    [ordered]@{ Mode = $mode; HasMode = $hasMode; FirstCallMs = $firstMs; TotalSeconds = $totalSeconds; TimesMs = $times; Ranked = $ranked; RankedHybrid = $hybrid; RankedKeyword = $keyword } |
        ConvertTo-Json -Depth 5 | Set-Content -Path $ResultFile -Encoding utf8NoBOM
    return
}

# ---- Run: orchestrates the phases, each in a fresh process, and writes the report section. ----
$started = Get-Date
$loadAtStart = Get-LoadAverage
$work = New-RagBenchWorkDirectory "scifact-$Model"
try {
    $index = Join-Path $work 'scifact.ragidx'
    $common = @('-ModulePath', $ModulePath, '-Data', $Data, '-Model', $Model) + $(if ($Quick) { @('-Quick') } else { @() })
    Write-BenchProgress "SciFact with $Model$(if ($Quick) { ' (quick)' }): indexing in a fresh pwsh"
    Invoke-FreshPwsh -File $PSCommandPath -Arguments ($common + @('-Phase', 'Index', '-IndexPath', $index, '-ResultFile', (Join-Path $work 'index.json')))
    $indexed = Get-Content -Raw (Join-Path $work 'index.json') | ConvertFrom-Json
    $loadAfterIndex = Get-LoadAverage

    Write-BenchProgress 'queries through the graph, fresh pwsh'
    Invoke-FreshPwsh -File $PSCommandPath -Arguments ($common + @('-Phase', 'Query', '-IndexPath', $index, '-ResultFile', (Join-Path $work 'graph.json')))
    $graph = Get-Content -Raw (Join-Path $work 'graph.json') | ConvertFrom-Json -AsHashtable

    # Exact: a copy of the index without its graph file(s), queried by a new process.
    $exactIndex = Join-Path $work 'scifact-exact.ragidx'
    Copy-Item $index $exactIndex -Recurse
    Get-ChildItem $exactIndex -Filter 'vectors.*.usearch' | Remove-Item
    Write-BenchProgress 'queries by exact scan (graph deleted), fresh pwsh'
    Invoke-FreshPwsh -File $PSCommandPath -Arguments ($common + @('-Phase', 'Query', '-IndexPath', $exactIndex, '-ResultFile', (Join-Path $work 'exact.json')))
    $exact = Get-Content -Raw (Join-Path $work 'exact.json') | ConvertFrom-Json -AsHashtable

    $sciFact = Read-SciFact $Data
    $queries, $null = Get-Subset $sciFact
    $ndcg = @{}
    foreach ($run in @(@{ Name = 'graph'; R = $graph }, @{ Name = 'exact'; R = $exact })) {
        $values = foreach ($q in $queries) { Get-Ndcg -Ranked @($run.R.Ranked[$q.Id]) -Judged $sciFact.Qrels[$q.Id] -K 10 }
        $ndcg[$run.Name] = ($values | Measure-Object -Average).Average
    }
    foreach ($half in @(@{ Name = 'hybrid'; R = $graph.RankedHybrid }, @{ Name = 'keyword'; R = $graph.RankedKeyword })) {
        if ($half.R) {
            $ndcg[$half.Name] = ($queries | ForEach-Object { Get-Ndcg -Ranked @($half.R[$_.Id]) -Judged $sciFact.Qrels[$_.Id] -K 10 } | Measure-Object -Average).Average
        }
    }
    $overlap = ($queries | ForEach-Object {
            $g = @($graph.Ranked[$_.Id]); $e = @($exact.Ranked[$_.Id])
            @($g | Where-Object { $e -contains $_ }).Count / [Math]::Max(1, $e.Count)
        } | Measure-Object -Average).Average
    $sameTop1 = @($queries | Where-Object { @($graph.Ranked[$_.Id])[0] -eq @($exact.Ranked[$_.Id])[0] }).Count

    $published = $Published[$Model]
    $chunksOk = $indexed.Summary.Chunks -eq $indexed.Documents
    $dPub = $ndcg.graph - $published
    $dExact = $ndcg.graph - $ndcg.exact
    $f4 = { param($v) Format-Number $v '0.00000' }
    $met = { param($ok) if ($ok) { 'met' } else { '**NOT met**' } }
    $qGraph = [double[]]$graph.TimesMs; $qExact = [double[]]$exact.TimesMs
    $body = @(
        "$($indexed.Documents) documents$(if ($Quick) { ' (quick subset: not comparable with the published score)' }), $(@($queries).Count) test queries, model $Model, token limit $($indexed.Limit).",
        '',
        '| Measure | Value | Target |',
        '|---|---:|---|',
        "| nDCG@10, Find-RagContext (HNSW graph) | **$(& $f4 $ndcg.graph)** | |",
        "| nDCG@10, exact scan of the same stored vectors (graph deleted) | $(& $f4 $ndcg.exact) | |",
        $(if ($ndcg.ContainsKey('hybrid')) { "| nDCG@10, Find-RagContext -Mode Hybrid (the default; vector + BM25 fused, k = 10) | **$(& $f4 $ndcg.hybrid)** | ≥ 0.715: $(& $met ($ndcg.hybrid -ge 0.715)) |" }),
        $(if ($ndcg.ContainsKey('keyword')) { "| nDCG@10, Find-RagContext -Mode Keyword (BM25) | **$(& $f4 $ndcg.keyword)** | ≥ 0.665: $(& $met ($ndcg.keyword -ge 0.665)) |" }),
        "| published MTEB score for $Model | $(& $f4 $published) | |",
        "| graph − published | $(& $f4 $dPub) | within ±0.01: $(& $met ([Math]::Abs($dPub) -le 0.01)) |",
        "| graph − exact | $(& $f4 $dExact) | within ±0.002: $(& $met ([Math]::Abs($dExact) -le 0.002)) |",
        "| top-10 overlap graph vs exact (mean) / same first hit | $(Format-Number $overlap '0.0000') / $sameTop1 of $(@($queries).Count) | |",
        "| chunks in the index (summary) | $($indexed.Summary.Chunks) of $($indexed.Documents) documents | one chunk each: $(& $met $chunksOk) |",
        "| indexing: `$items \| New-RagIndex (wall, model load included) | $(Format-Number $indexed.IndexSeconds '0.0') s = $(Format-Number ($indexed.IndexSeconds / 60) '0.0') min, $(Format-Number ($indexed.Documents / $indexed.IndexSeconds) '0.00') documents/s | |",
        "| indexing: process CPU time | $(Format-Number $indexed.CpuSeconds '0.0') s | |",
        "| query, graph: first call (reader + model load) | $(Format-Number $graph.FirstCallMs '0') ms | |",
        "| query, graph: per call p50 / p90 / mean | $(Format-Number (Get-Median $qGraph) '0.0') / $(Format-Number (Get-Percentile $qGraph 90) '0.0') / $(Format-Number (($qGraph | Measure-Object -Average).Average) '0.0') ms | |",
        "| query, exact: first call (reader + model load + loading all vectors) | $(Format-Number $exact.FirstCallMs '0') ms | |",
        "| query, exact: per call p50 / p90 / mean | $(Format-Number (Get-Median $qExact) '0.0') / $(Format-Number (Get-Percentile $qExact 90) '0.0') / $(Format-Number (($qExact | Measure-Object -Average).Average) '0.0') ms | |",
        '',
        "- Search seen by Find-RagContext -Verbose: graph run '$($graph.Mode)', exact run '$($exact.Mode)'$(if ($graph.HasMode) { '; both with -Mode Vector (this build defaults to Hybrid)' } else { ' (this build searches by vector only)' }).",
        "- Texts: title + "" "" + text; $($indexed.Cut) of $($indexed.Documents) are longer than $($indexed.Limit) tokens. New-RagIndex never truncates: it splits a chunk over the model's limit (-Chunker Fixed -ChunkSize 100000 alone gave 35 chunks for the first 20 documents). So each long text was cut before indexing, with the model's tokenizer, to the prefix the model would see after truncation: for $($indexed.CutAsTruncation) of the $($indexed.Cut) exactly the first $($indexed.Limit - 2) word pieces, as sentence-transformers' truncation gives; for the rest a few pieces fewer, where a prefix of the text cannot end inside a piece (mean $(Format-Number $indexed.MeanKeptTokensOfCut '0.00') tokens kept with [CLS] and [SEP], minimum $($indexed.MinKeptTokensOfCut)).",
        "- New-RagIndex summary: added $($indexed.Summary.Added), failed $($indexed.Summary.Failed), documents $($indexed.Summary.Documents), chunks $($indexed.Summary.Chunks), elapsed $(Format-Number $indexed.Summary.Elapsed '0.0') s. Import-Module took $(Format-Number $indexed.ImportMs '0') ms (not in the indexing time). Load average after indexing: $($loadAfterIndex.Text).",
        "- Index files: $(($indexed.Files | ForEach-Object { '{0} {1:N1} MB' -f $_.Name, ($_.Bytes / 1MB) }) -join ', ').",
        '- nDCG@10 as BEIR/pytrec_eval: gain = grade, discount log2(rank + 1), ideal DCG from qrels/test.tsv; no test query id equals a document id, so MTEB''s identical-id rule changes nothing.'
    )
    $cmd = "dotnet pwsh -NoProfile -File bench/Rag/Measure-SciFactRetrieval.ps1 -Model $Model$(if ($Quick) { ' -Quick' })"
    Write-RagBenchSection -Title "SciFact end to end through the cmdlets ($Model)" -Body $body -Started $started -LoadAtStart $loadAtStart -ModulePath $ModulePath -Command $cmd -Quick:$Quick -ResultsDirectory $ResultsDirectory
}
finally {
    if ($KeepWork) { Write-BenchProgress "work folder kept: $work" } else { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}
