#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Query latency of Find-RagContext on a 100,000-chunk index: warm p50/p90 in one pwsh process (query embedding
    included), and cold start (a new pwsh importing the module and querying) beyond a bare pwsh start.
.DESCRIPTION
    dotnet pwsh -NoProfile -File bench/Rag/Measure-RagQueryLatency.ps1 [-Chunks 100000] [-Queries 300] [-ColdRounds 7] [-Data DIR] [-ModulePath DIR] [-Quick]

    1. Index: embedding 100,000 chunks with the local model would take hours on two cores (the Estimate phase
       measures the rate on a sample of the very texts and says how long), so bench/Rag/Harness writes the index
       directly through MixtralPS.Core's RagIndexWriter: SciFact sentences (pairs of them past the ~50,000 single
       ones) as chunk texts, 100 chunks per document, random unit 384-dimensional vectors, and the HNSW graph built
       by RagIndexWriter.Complete as New-RagIndex builds it. The query path (embedding the query with
       all-MiniLM-L6-v2, graph search, reading the chunks back) is the real one.
    2. Warm, in a fresh pwsh: Import-Module, 5 warm-up calls, then -Queries calls of
       Find-RagContext -Query <SciFact test query> -Path <index> (default -Top 4), each timed alone; the same queries
       are also timed through the provider's Embed alone and RagIndexReader.Search alone, to show where the time goes.
    3. Cold: -ColdRounds interleaved rounds of three new processes each, order rotated per round:
       pwsh -NoProfile -c exit; pwsh -NoProfile -c "Import-Module ..."; pwsh -NoProfile -c "Import-Module ...; Find-RagContext ... | Out-Null".
       Cold cost = median(query process) - median(bare process).
    Results: a section in bench/results/rag-<date>.md (rag-<date>-quick.md with -Quick), printed too.
    -Quick: 5,000 chunks, 40 queries, 3 cold rounds.
#>
[CmdletBinding()]
param(
    [ValidateSet('Run', 'Estimate', 'Warm')]
    [string] $Phase = 'Run',
    [string] $ModulePath,
    [string] $Data,
    [int] $Chunks = 100000,
    [int] $Queries = 300,
    [int] $WarmUp = 5,
    [int] $ColdRounds = 7,
    [int] $Sample = 1000,
    # Random: random unit vectors (no embedding time; the graph's worst case, no neighbourhood structure).
    # Embedded: every chunk embedded with the module's local model, as New-RagIndex would (about 30 min here).
    [ValidateSet('Random', 'Embedded')]
    [string] $Vectors = 'Random',
    [switch] $Quick,
    [switch] $KeepWork,
    [string] $ResultsDirectory,
    # Keep the index (and its build figures) here and reuse them when present: the graph of 100,000 random vectors
    # takes long to build on a busy machine, and a rerun at a quieter time then measures only the queries.
    [string] $WorkDirectory,
    # Phase workers only:
    [string] $IndexPath,
    [string] $ResultFile
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RagBench.Common.ps1')
$ModulePath = Resolve-ModulePath $ModulePath
$Data = Find-SciFact $Data
if ($Quick) {
    if (-not $PSBoundParameters.ContainsKey('Chunks')) { $Chunks = 5000 }
    if (-not $PSBoundParameters.ContainsKey('Queries')) { $Queries = 40 }
    if (-not $PSBoundParameters.ContainsKey('ColdRounds')) { $ColdRounds = 3 }
    if (-not $PSBoundParameters.ContainsKey('Sample')) { $Sample = 64 }
}

function Get-QueryTexts([int] $Count) {
    $texts = @((Read-SciFact $Data).Queries | ForEach-Object Text)
    @(for ($i = 0; $i -lt $Count; $i++) { $texts[$i % $texts.Count] })
}

if ($Phase -eq 'Estimate') {
    # The embedding rate on texts of this very index, in New-RagIndex's batches of 64, to say how long indexing would take.
    Import-Module (Join-Path $ModulePath 'MixtralPS.psd1')
    # Opening the index through the module loads Microsoft.Data.Sqlite (and its native library) as the module does.
    [MixtralPS.Core.Rag.RagIndexReader]::Open($IndexPath, $null).Dispose()
    $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$(Join-Path $IndexPath 'index.db');Mode=ReadOnly;Pooling=False")
    $connection.Open()
    $command = $connection.CreateCommand()
    $command.CommandText = 'SELECT count(*) FROM chunks'
    $total = [long]$command.ExecuteScalar()
    $step = [Math]::Max(1, [long]($total / $Sample))
    $command.CommandText = "SELECT text FROM chunks WHERE id % $step = 0 LIMIT $Sample"
    $reader = $command.ExecuteReader()
    $texts = [Collections.Generic.List[string]]::new()
    while ($reader.Read()) { $texts.Add($reader.GetString(0)) }
    $reader.Dispose(); $connection.Dispose()
    $provider = [MixtralPS.Core.Embeddings.OnnxEmbeddingProvider]::new($ModulePath)
    [void]$provider.Embed([string[]]@($texts[0]), [MixtralPS.Core.Embeddings.EmbeddingPurpose]::Document, [Threading.CancellationToken]::None)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $tokens = 0
    for ($i = 0; $i -lt $texts.Count; $i += 64) {
        $batch = [string[]]$texts.GetRange($i, [Math]::Min(64, $texts.Count - $i))
        foreach ($r in $provider.Embed($batch, [MixtralPS.Core.Embeddings.EmbeddingPurpose]::Document, [Threading.CancellationToken]::None)) { $tokens += $r.TokenCount }
    }
    [ordered]@{ Sampled = $texts.Count; Seconds = $clock.Elapsed.TotalSeconds; Tokens = $tokens; Load = (Get-LoadAverage).Text } |
        ConvertTo-Json | Set-Content -Path $ResultFile -Encoding utf8NoBOM
    return
}

if ($Phase -eq 'Warm') {
    $ProgressPreference = 'SilentlyContinue'
    Import-Module (Join-Path $ModulePath 'MixtralPS.psd1')
    $texts = Get-QueryTexts ($Queries + $WarmUp)
    $hasMode = (Get-Command Find-RagContext).Parameters.ContainsKey('Mode')
    $clock = [Diagnostics.Stopwatch]::new()
    $result = [ordered]@{ HasMode = $hasMode; Load = @{} }

    $clock.Restart()
    $first = Find-RagContext -Query $texts[0] -Path $IndexPath
    $result.FirstCallMs = $clock.Elapsed.TotalMilliseconds
    $result.DefaultMode = if ($first -and $first[0].PSObject.Properties['Mode']) { "$($first[0].Mode)" } else { 'Vector (the only mode of this build)' }
    $result.Top = @($first).Count
    for ($i = 1; $i -lt $WarmUp; $i++) { $null = Find-RagContext -Query $texts[$i] -Path $IndexPath }

    $modes = @(@{ Name = 'default'; Extra = @{} })
    if ($hasMode) { $modes += @{ Name = 'Vector'; Extra = @{ Mode = 'Vector' } } }
    foreach ($m in $modes) {
        $extra = $m.Extra
        if ($m.Name -ne 'default') { for ($i = 0; $i -lt $WarmUp; $i++) { $null = Find-RagContext -Query $texts[$i] -Path $IndexPath @extra } }
        $times = [Collections.Generic.List[double]]::new()
        $result.Load["$($m.Name)Start"] = (Get-LoadAverage).Text
        for ($i = $WarmUp; $i -lt $texts.Count; $i++) {
            $clock.Restart()
            $hits = Find-RagContext -Query $texts[$i] -Path $IndexPath @extra
            $times.Add($clock.Elapsed.TotalMilliseconds)
        }
        $result["Times_$($m.Name)"] = $times
    }

    # Where the time goes: the provider's Embed alone, and the reader's Search alone, on the same queries.
    $provider = [MixtralPS.Core.Embeddings.OnnxEmbeddingProvider]::new($ModulePath)
    $purpose = [MixtralPS.Core.Embeddings.EmbeddingPurpose]::Query
    $none = [Threading.CancellationToken]::None
    $embedTimes = [Collections.Generic.List[double]]::new()
    $queryVectors = [Collections.Generic.List[float[]]]::new()
    for ($i = $WarmUp; $i -lt $texts.Count; $i++) {
        $clock.Restart()
        $v = $provider.Embed([string[]]@($texts[$i]), $purpose, $none)[0].Vector
        $embedTimes.Add($clock.Elapsed.TotalMilliseconds)
        $queryVectors.Add($v)
    }
    $result.Times_embed = $embedTimes
    try {
        $reader = [MixtralPS.Core.Rag.RagIndexReader]::Open($IndexPath, $null)
        $searchTimes = [Collections.Generic.List[double]]::new()
        $top = [Math]::Max(1, $result.Top)
        # Search(vector, text, top, minScore, filter) in builds with vector search only; Search(RagQuery) with -Mode.
        $queryType = [MixtralPS.Core.Rag.RagIndexReader].Assembly.GetType('MixtralPS.Core.Rag.RagQuery')
        for ($i = 0; $i -lt $queryVectors.Count; $i++) {
            $q = if ($queryType) { $queryType::new($texts[$i + $WarmUp], $queryVectors[$i], $top, 'Vector', $null, $null, 60, 100) }
            $clock.Restart()
            $null = if ($queryType) { $reader.Search($q) } else { $reader.Search($queryVectors[$i], $texts[$i + $WarmUp], $top, $null, $null) }
            $searchTimes.Add($clock.Elapsed.TotalMilliseconds)
        }
        $result.Times_search = $searchTimes
        $result.UsesGraph = $reader.UsesGraph
        $reader.Dispose()
    }
    catch {
        # The reader's API differs in this build; the breakdown is optional.
        $result.SearchError = "$_"
    }
    $result | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8NoBOM
    return
}

# ---- Run ----
$started = Get-Date
$loadAtStart = Get-LoadAverage
if ($WorkDirectory) {
    $KeepWork = $true
    $work = (New-Item -ItemType Directory -Force $WorkDirectory).FullName
}
else { $work = New-RagBenchWorkDirectory 'latency' }
try {
    $kind = if ($Vectors -eq 'Embedded') { 'embedded' } else { 'synthetic' }
    $index = Join-Path $work "$kind.ragidx"
    $reused = (Test-Path (Join-Path $work "$kind.json")) -and (Test-Path (Join-Path $index 'index.db'))
    if ($reused) { Write-BenchProgress "reusing the index in $work" }
    else {
        Write-BenchProgress "writing a $Chunks-chunk index, vectors: $Vectors (bench/Rag/Harness synthetic)"
        $embed = if ($Vectors -eq 'Embedded') { @('--embed-module', $ModulePath) } else { @() }
        Invoke-RagHarness -Arguments (@('synthetic', '--index', $index, '--chunks', $Chunks, '--per-document', 100, '--data', $Data, '--seed', 1, '--out', (Join-Path $work "$kind.json")) + $embed)
    }
    $syn = Get-Content -Raw (Join-Path $work "$kind.json") | ConvertFrom-Json
    # Indexes written before the harness could embed have random vectors and no such field.
    $embedded = [bool]$syn.PSObject.Properties['vectors'] -and $syn.vectors -eq 'embedded'

    if (-not (Test-Path (Join-Path $work 'estimate.json'))) {
        Write-BenchProgress "embedding rate on $Sample of its texts, fresh pwsh"
        Invoke-FreshPwsh -File $PSCommandPath -Arguments @('-Phase', 'Estimate', '-ModulePath', $ModulePath, '-Data', $Data, '-IndexPath', $index, '-Sample', $Sample, '-ResultFile', (Join-Path $work 'estimate.json'))
    }
    $est = Get-Content -Raw (Join-Path $work 'estimate.json') | ConvertFrom-Json
    $rate = $est.Sampled / $est.Seconds
    $estimatedMinutes = ($Chunks / $rate + $syn.writeSeconds + $syn.graphSeconds) / 60

    Write-BenchProgress "warm queries ($Queries after $WarmUp warm-up calls), fresh pwsh"
    Invoke-FreshPwsh -File $PSCommandPath -Arguments @('-Phase', 'Warm', '-ModulePath', $ModulePath, '-Data', $Data, '-IndexPath', $index, '-Queries', $Queries, '-WarmUp', $WarmUp, '-ResultFile', (Join-Path $work "warm-$kind.json"))
    $warm = Get-Content -Raw (Join-Path $work "warm-$kind.json") | ConvertFrom-Json -AsHashtable

    # Cold: new processes, interleaved, order rotated each round.
    $pwsh = Get-PwshCommand
    $manifest = Join-Path $ModulePath 'MixtralPS.psd1'
    $query = @(Get-QueryTexts 1)[0].Replace("'", "''")
    $variants = [ordered]@{
        bare   = 'exit'
        import = "Import-Module '$manifest'"
        query  = "Import-Module '$manifest'; Find-RagContext -Query '$query' -Path '$index' | Out-Null"
    }
    if ($warm.HasMode) { $variants.vector = "Import-Module '$manifest'; Find-RagContext -Query '$query' -Path '$index' -Mode Vector | Out-Null" }
    $cold = @{}
    foreach ($name in $variants.Keys) { $cold[$name] = [Collections.Generic.List[double]]::new() }
    $names = @($variants.Keys)
    Write-BenchProgress "cold starts: $ColdRounds rounds of $($names -join ', ')"
    # One untimed run of each first: the file cache then holds pwsh, the module and the model for every timed run alike.
    foreach ($name in $names) { & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -c $variants[$name] | Out-Null }
    for ($round = 0; $round -lt $ColdRounds; $round++) {
        for ($j = 0; $j -lt $names.Count; $j++) {
            $name = $names[($round + $j) % $names.Count]
            $clock = [Diagnostics.Stopwatch]::StartNew()
            & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -c $variants[$name] | Out-Null
            $ms = $clock.Elapsed.TotalMilliseconds
            if ($LASTEXITCODE -ne 0) { throw "cold run '$name' failed (exit code $LASTEXITCODE)" }
            $cold[$name].Add($ms)
        }
    }
    $bare = Get-Median $cold.bare; $imp = Get-Median $cold.import; $qry = Get-Median $cold.query
    $coldCost = $qry - $bare

    $f1 = { param($v) Format-Number $v '0.0' }
    $stats = { param($t) $a = [double[]]$t; "$(& $f1 (Get-Median $a)) | $(& $f1 (Get-Percentile $a 90)) | $(& $f1 (Get-Percentile $a 99)) | $(& $f1 ($a | Measure-Object -Average).Average) | $(& $f1 ($a | Measure-Object -Minimum).Minimum)" }
    $p50 = Get-Median ([double[]]$warm.Times_default)
    $pVector = if ($warm.Contains('Times_Vector')) { Get-Median ([double[]]$warm.Times_Vector) } else { $null }
    $rows = @(
        "| **Find-RagContext, warm, default mode ($($warm.DefaultMode))** | $(& $stats $warm.Times_default) |"
    )
    if ($warm.Contains('Times_Vector')) { $rows += "| Find-RagContext -Mode Vector, warm | $(& $stats $warm.Times_Vector) |" }
    $rows += "| of which: embedding the query (OnnxEmbeddingProvider.Embed alone) | $(& $stats $warm.Times_embed) |"
    if ($warm.Contains('Times_search')) { $rows += "| of which: RagIndexReader.Search alone, by vector (graph search + reading $($warm.Top) chunks) | $(& $stats $warm.Times_search) |" }
    elseif ($warm.Contains('SearchError')) { $rows += "| RagIndexReader.Search alone | not measured: $($warm.SearchError) | | | | |" }
    $body = @(
        $(if ($reused) { "Index reused from an earlier run of this script (-WorkDirectory $work); its build figures are from that run." }),
        "Index: $($syn.chunks) chunks in $($syn.documents) documents, $(Format-Number ($syn.databaseBytes / 1MB) '0') MiB database + $(Format-Number ($syn.graphBytes / 1MB) '0') MiB HNSW graph; texts SciFact sentences (mean $(Format-Number $syn.meanTextChars '0') characters), written through RagIndexWriter by bench/Rag/Harness; " +
            $(if ($embedded) { "**vectors: the texts embedded with all-MiniLM-L6-v2** (in $(& $f1 $syn.embedSeconds) s, $(Format-Number ($syn.chunks / $syn.embedSeconds) '0.0') chunks/s)" }
              else { "**vectors random unit 384-dimensional (not embedded)**" }) +
            ": writing took $(& $f1 $syn.writeSeconds) s, the graph (RagIndexWriter.Complete) $(& $f1 $syn.graphSeconds) s.",
        "",
        $(if (-not $embedded) { "Why synthetic: embedding $($est.Sampled) of these texts took $(Format-Number $est.Seconds '0.0') s ($(Format-Number $rate '0.0') chunks/s, load $($est.Load)), so New-RagIndex would need about **$(Format-Number $estimatedMinutes '0') min** for $($syn.chunks) chunks here (embedding at that rate + the measured write and graph times). Random vectors are the graph's worst case: with no neighbourhood structure its search visits the most nodes." }
          else { "Vectors as New-RagIndex stores them: the graph searches the neighbourhood structure of real embeddings." }),
        "",
        "| Warm, one pwsh process, $(@($warm.Times_default).Count) queries after $WarmUp warm-up calls (ms) | p50 | p90 | p99 | mean | min |",
        "|---|---:|---:|---:|---:|---:|"
    ) + $rows + @(
        "",
        "- Warm targets: Find-RagContext p50 ≤ 15 ms by vector (RAG issue): **$(if ($pVector) { "$(& $f1 $pVector) ms, $(if ($pVector -le 15) { 'met' } else { 'NOT met' })" } else { 'not measured' })**; hybrid p50 ≤ 20 ms (hybrid retrieval issue): **$(& $f1 $p50) ms ($($warm.DefaultMode)), $(if ($p50 -le 20) { 'met' } else { 'NOT met' })**. First call in the process (reader open, model load): $(Format-Number $warm.FirstCallMs '0') ms. Queries: the SciFact test claims, $($warm.Top) chunks returned each (default -Top).$(if ($warm.Contains('UsesGraph')) { " Reader used the graph: $($warm.UsesGraph)." })",
        "",
        "| Cold, new process each, $ColdRounds interleaved rounds (ms) | median | min | max |",
        "|---|---:|---:|---:|",
        "| pwsh -NoProfile -c exit | $(& $f1 $bare) | $(& $f1 ($cold.bare | Measure-Object -Minimum).Minimum) | $(& $f1 ($cold.bare | Measure-Object -Maximum).Maximum) |",
        "| pwsh -NoProfile -c ""Import-Module …"" | $(& $f1 $imp) | $(& $f1 ($cold.import | Measure-Object -Minimum).Minimum) | $(& $f1 ($cold.import | Measure-Object -Maximum).Maximum) |",
        "| pwsh -NoProfile -c ""Import-Module …; Find-RagContext … \| Out-Null"" | $(& $f1 $qry) | $(& $f1 ($cold.query | Measure-Object -Minimum).Minimum) | $(& $f1 ($cold.query | Measure-Object -Maximum).Maximum) |",
        $(if ($cold.ContainsKey('vector')) { "| pwsh -NoProfile -c ""Import-Module …; Find-RagContext … -Mode Vector \| Out-Null"" | $(& $f1 (Get-Median $cold.vector)) | $(& $f1 ($cold.vector | Measure-Object -Minimum).Minimum) | $(& $f1 ($cold.vector | Measure-Object -Maximum).Maximum) |" }),
        "",
        "- Cold cost beyond a bare pwsh start: **$(Format-Number $coldCost '0') ms** (Import-Module $(Format-Number ($imp - $bare) '0') ms, the first query $(Format-Number ($qry - $imp) '0') ms); target ≤ 2,000 ms: **$(if ($coldCost -le 2000) { 'met' } else { 'NOT met' })**$(if ($cold.ContainsKey('vector')) { "; with -Mode Vector $(Format-Number ((Get-Median $cold.vector) - $bare) '0') ms" }). pwsh runs as a dotnet tool here (dotnet pwsh.dll), for the bare start too.",
        "- Load average at the warm run's start: $($warm.Load.defaultStart)."
    )
    $cmd = "dotnet pwsh -NoProfile -File bench/Rag/Measure-RagQueryLatency.ps1$(if ($Quick) { ' -Quick' } else { " -Chunks $Chunks -Queries $Queries -ColdRounds $ColdRounds" })"
    Write-RagBenchSection -Title "Query latency on a $($syn.chunks)-chunk index" -Body $body -Started $started -LoadAtStart $loadAtStart -ModulePath $ModulePath -Command $cmd -Quick:$Quick -ResultsDirectory $ResultsDirectory
}
finally {
    if ($KeepWork) { Write-BenchProgress "work folder kept: $work" } else { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}
