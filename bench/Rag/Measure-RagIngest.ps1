#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Ingest of a ~10 MB text corpus with the local model: Get-ChildItem | New-RagIndex, timed, and its time split
    into embedding and everything else (model load, file reading, chunking, storing, graph).
.DESCRIPTION
    dotnet pwsh -NoProfile -File bench/Rag/Measure-RagIngest.ps1 [-Megabytes 10] [-Files 2000] [-Data DIR] [-ModulePath DIR] [-Quick]

    1. Corpus: SciFact abstracts (title, blank line, text) written out as -Files .txt files of about equal size
       totalling -Megabytes (decimal MB), into a temporary folder; abstracts are reused once the 5,183 run out.
    2. Ingest, in a fresh pwsh -NoProfile: Get-ChildItem <corpus> -File | New-RagIndex -Path <index>, with the
       cmdlet's defaults (all-MiniLM-L6-v2, Recursive chunks of 512 characters, 64 overlap, 256-token limit).
       Then, in the same process, the embedding alone: the chunk texts read back from the index's index.db
       (table chunks, in id order, which is the order they were embedded in), regrouped exactly as RagIngestor
       batched them (whole documents until at least 64 chunks), and each group given to
       OnnxEmbeddingProvider.Embed, the provider New-RagIndex uses, with the same model session (already loaded by
       the cmdlet, so model loading stays on the "everything else" side) and the same batch sizes (16 sequences,
       4,096 padded tokens). Everything else = total - embedding.
    3. Cross-check, in a separate process (bench/Rag/Harness other-costs): the same RagIngestor over the same files
       with the model replaced by a lookup of the vectors stored in step 2, timing model load, hashing and loading,
       chunking (with the model's token counts), storing and the graph one by one.
    Results: a section in bench/results/rag-<date>.md (rag-<date>-quick.md with -Quick), printed too.
    -Quick: 0.08 MB in 20 files.
#>
[CmdletBinding()]
param(
    [ValidateSet('Run', 'Ingest')]
    [string] $Phase = 'Run',
    [string] $ModulePath,
    [string] $Data,
    [double] $Megabytes = 10,
    [int] $Files = 2000,
    [switch] $Quick,
    [switch] $KeepWork,
    [string] $ResultsDirectory,
    # Phase workers only:
    [string] $CorpusPath,
    [string] $IndexPath,
    [string] $ResultFile
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RagBench.Common.ps1')
$ModulePath = Resolve-ModulePath $ModulePath
if ($Quick -and -not $PSBoundParameters.ContainsKey('Megabytes')) { $Megabytes = 0.08 }
if ($Quick -and -not $PSBoundParameters.ContainsKey('Files')) { $Files = 20 }

function Get-CpuSeconds { [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds }

if ($Phase -eq 'Ingest') {
    $ProgressPreference = 'SilentlyContinue'
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Import-Module (Join-Path $ModulePath 'MixtralPS.psd1')
    $importMs = $clock.Elapsed.TotalMilliseconds

    # --- The measured run: as a user types it. ---
    $load0 = Get-LoadAverage
    $cpu0 = Get-CpuSeconds
    $clock.Restart()
    $summary = Get-ChildItem $CorpusPath -File | New-RagIndex -Path $IndexPath
    $totalSeconds = $clock.Elapsed.TotalSeconds
    $totalCpu = (Get-CpuSeconds) - $cpu0
    $load1 = Get-LoadAverage
    Write-BenchProgress "ingest: $($summary.Documents) documents, $($summary.Chunks) chunks in $([Math]::Round($totalSeconds, 1)) s; now the embedding alone"

    # --- The chunks it embedded, in its batches. ---
    $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$(Join-Path $IndexPath 'index.db');Mode=ReadOnly;Pooling=False")
    $connection.Open()
    $command = $connection.CreateCommand()
    $command.CommandText = 'SELECT key, value FROM meta'
    $meta = @{}
    $reader = $command.ExecuteReader()
    while ($reader.Read()) { $meta[$reader.GetString(0)] = $reader.GetString(1) }
    $reader.Dispose()
    $command.CommandText = 'SELECT document_id, text, embedding FROM chunks ORDER BY id'
    $reader = $command.ExecuteReader()
    $groups = [Collections.Generic.List[object]]::new()
    $stored = [Collections.Generic.List[float[]]]::new()
    $queue = [Collections.Generic.List[string]]::new()
    $document = [long]-1
    while ($reader.Read()) {
        $id = $reader.GetInt64(0)
        # RagIngestor.AddAsync queues whole documents and embeds once 64 or more chunks are queued.
        if ($id -ne $document -and $queue.Count -ge 64) { $groups.Add($queue); $queue = [Collections.Generic.List[string]]::new() }
        $document = $id
        $queue.Add($reader.GetString(1))
        if ($stored.Count -lt 64) {
            $bytes = [byte[]]$reader.GetValue(2)
            $vector = [float[]]::new($bytes.Length / 4)
            [Buffer]::BlockCopy($bytes, 0, $vector, 0, $bytes.Length)
            $stored.Add($vector)
        }
    }
    if ($queue.Count -gt 0) { $groups.Add($queue) }
    $reader.Dispose(); $connection.Dispose()

    $provider = [MixtralPS.Core.Embeddings.OnnxEmbeddingProvider]::new($ModulePath, $meta['embedding_model'], [int]$meta['max_tokens'])
    $purpose = [MixtralPS.Core.Embeddings.EmbeddingPurpose]::Document
    $none = [Threading.CancellationToken]::None
    $embedClock = [Diagnostics.Stopwatch]::new()
    $cpu0 = Get-CpuSeconds
    $first = $null
    $chunks = 0; $tokens = 0; $truncated = 0
    foreach ($group in $groups) {
        $embedClock.Start()
        $results = $provider.Embed($group, $purpose, $none)
        $embedClock.Stop()
        if ($null -eq $first) { $first = $results }
        $chunks += $results.Count
        foreach ($r in $results) { $tokens += $r.TokenCount; if ($r.Truncated) { $truncated++ } }
    }
    $embedCpu = (Get-CpuSeconds) - $cpu0
    $load2 = Get-LoadAverage

    # The same texts through the same model give the stored vectors: proof that the same chunks were embedded.
    $minCosine = 1.0
    for ($i = 0; $i -lt [Math]::Min($stored.Count, $first.Count); $i++) {
        $a = $stored[$i]; $b = $first[$i].Vector; $dot = 0.0
        for ($d = 0; $d -lt $a.Length; $d++) { $dot += $a[$d] * $b[$d] }
        $minCosine = [Math]::Min($minCosine, $dot)
    }

    [ordered]@{
        ImportMs = $importMs; TotalSeconds = $totalSeconds; TotalCpuSeconds = $totalCpu
        EmbedSeconds = $embedClock.Elapsed.TotalSeconds; EmbedCpuSeconds = $embedCpu
        Groups = $groups.Count; Chunks = $chunks; Tokens = $tokens; Truncated = $truncated; MinCosineToStored = $minCosine
        Summary = [ordered]@{ Added = $summary.Added; Failed = $summary.Failed; Documents = $summary.Documents; Chunks = $summary.Chunks; Elapsed = $summary.Elapsed.TotalSeconds }
        Settings = $meta
        LoadBefore = $load0.Text; LoadAfterIngest = $load1.Text; LoadAfterEmbed = $load2.Text
        IndexBytes = (Get-ChildItem $IndexPath -File | Measure-Object Length -Sum).Sum
    } | ConvertTo-Json -Depth 5 | Set-Content -Path $ResultFile -Encoding utf8NoBOM
    return
}

# ---- Run ----
$started = Get-Date
$loadAtStart = Get-LoadAverage
$work = New-RagBenchWorkDirectory 'ingest'
try {
    $Data = Find-SciFact $Data
    $corpus = Join-Path $work 'corpus'
    New-Item -ItemType Directory $corpus | Out-Null
    $targetBytes = [long]($Megabytes * 1e6)
    $abstracts = @(Read-SciFact $Data).Corpus
    $next = 0; $written = 0L; $reused = 0
    $utf8 = [Text.UTF8Encoding]::new($false)
    for ($f = 0; $f -lt $Files; $f++) {
        # What is left, shared by the files left; an abstract goes in while the file is nearer its share with it.
        $budget = ($targetBytes - $written) / ($Files - $f)
        $text = [Text.StringBuilder]::new()
        $size = 0
        do {
            $a = $abstracts[$next % $abstracts.Count]
            $piece = "$($a.Title)`n`n$($a.Text)`n`n"
            $pieceBytes = $utf8.GetByteCount($piece)
            if ($size -gt 0 -and $size + $pieceBytes / 2 -gt $budget) { break }
            if ($next -ge $abstracts.Count) { $reused++ }
            $next++
            [void]$text.Append($piece)
            $size += $pieceBytes
        } while ($size -lt $budget)
        $bytes = $utf8.GetBytes($text.ToString())
        [IO.File]::WriteAllBytes((Join-Path $corpus ('doc-{0:D5}.txt' -f $f)), $bytes)
        $written += $bytes.Length
    }
    Write-BenchProgress "corpus: $Files files, $([Math]::Round($written / 1e6, 2)) MB from $next abstracts ($reused reused)"

    $index = Join-Path $work 'corpus.ragidx'
    Write-BenchProgress 'ingest through New-RagIndex, then the embedding alone, in a fresh pwsh'
    Invoke-FreshPwsh -File $PSCommandPath -Arguments @('-Phase', 'Ingest', '-ModulePath', $ModulePath, '-CorpusPath', $corpus, '-IndexPath', $index, '-ResultFile', (Join-Path $work 'ingest.json'))
    $r = Get-Content -Raw (Join-Path $work 'ingest.json') | ConvertFrom-Json

    Write-BenchProgress 'cross-check: RagIngestor without the model (bench/Rag/Harness other-costs)'
    Invoke-RagHarness -Arguments @('other-costs', '--corpus', $corpus, '--reference', $index, '--index', (Join-Path $work 'other.ragidx'), '--module', $ModulePath, '--out', (Join-Path $work 'other.json'))
    $o = Get-Content -Raw (Join-Path $work 'other.json') | ConvertFrom-Json

    $other = $r.TotalSeconds - $r.EmbedSeconds
    $share = $other / $r.TotalSeconds
    $direct = $o.modelLoadSeconds + $o.openSeconds + $o.hashAndLoadSeconds + $o.chunkSeconds + $o.storeSeconds + $o.graphSeconds
    $pct = { param($v) (Format-Number (100 * $v) '0.0') + ' %' }
    $s = { param($v) (Format-Number $v '0.0') + ' s' }
    $body = @(
        "Corpus: $Files .txt files, $(Format-Number ($written / 1e6) '0.00') MB (SciFact abstracts, $reused of $next reused); index: $($r.Summary.Documents) documents, $($r.Summary.Chunks) chunks ($($r.Settings.chunker) $($r.Settings.chunk_size)/$($r.Settings.chunk_overlap), $($r.Settings.embedding_model), $($r.Settings.max_tokens) tokens), $(Format-Number ($r.IndexBytes / 1MB) '0.0') MiB on disk.",
        '',
        '| Measure | Time | Share of the ingest |',
        '|---|---:|---:|',
        "| **Get-ChildItem \| New-RagIndex** (wall; Import-Module before it: $(Format-Number $r.ImportMs '0') ms) | **$(& $s $r.TotalSeconds)** ($(Format-Number ($r.TotalSeconds / 60) '0.0') min) | 100 % |",
        "| embedding the same $($r.Chunks) chunks in the same $($r.Groups) batches, same process and model session | $(& $s $r.EmbedSeconds) | $(& $pct ($r.EmbedSeconds / $r.TotalSeconds)) |",
        "| **everything else** = total − embedding | **$(& $s $other)** | **$(& $pct $share)** (target ≤ 15 %: $(if ($share -le 0.15) { 'met' } else { '**NOT met**' })) |",
        "| cross-check, measured directly (RagIngestor, model replaced by a lookup; separate process): | $(& $s $direct) | $(& $pct ($direct / $r.TotalSeconds)) |",
        "| &nbsp;&nbsp;model load (ONNX session, vocabulary) | $(& $s $o.modelLoadSeconds) | $(& $pct ($o.modelLoadSeconds / $r.TotalSeconds)) |",
        "| &nbsp;&nbsp;open/create the index | $(& $s $o.openSeconds) | $(& $pct ($o.openSeconds / $r.TotalSeconds)) |",
        "| &nbsp;&nbsp;hash + read/decode the files (Prepare) | $(& $s $o.hashAndLoadSeconds) | $(& $pct ($o.hashAndLoadSeconds / $r.TotalSeconds)) |",
        "| &nbsp;&nbsp;chunking, with the model's token counts | $(& $s $o.chunkSeconds) | $(& $pct ($o.chunkSeconds / $r.TotalSeconds)) |",
        "| &nbsp;&nbsp;storing in SQLite (one transaction per document) | $(& $s $o.storeSeconds) | $(& $pct ($o.storeSeconds / $r.TotalSeconds)) |",
        "| &nbsp;&nbsp;HNSW graph (Complete) | $(& $s $o.graphSeconds) | $(& $pct ($o.graphSeconds / $r.TotalSeconds)) |",
        "| &nbsp;&nbsp;left over: PowerShell pipeline (Get-ChildItem, binding, progress) and timing noise = total − embedding − direct | $(& $s ($other - $direct)) | $(& $pct (($other - $direct) / $r.TotalSeconds)) |",
        '',
        "- Throughput: $(Format-Number ($r.Summary.Chunks / $r.TotalSeconds) '0.00') chunks/s, $(Format-Number ($written / 1e6 / $r.TotalSeconds * 60) '0.00') MB/min end to end; embedding alone $(Format-Number ($r.Chunks / $r.EmbedSeconds) '0.00') chunks/s, $(Format-Number ($r.Tokens / $r.EmbedSeconds) '0') tokens/s ($($r.Tokens) tokens, $($r.Truncated) chunks truncated by the model: the chunker keeps every chunk within the limit).",
        "- Process CPU time: ingest $(& $s $r.TotalCpuSeconds), embedding pass $(& $s $r.EmbedCpuSeconds) (everything else by CPU time: $(& $pct (($r.TotalCpuSeconds - $r.EmbedCpuSeconds) / $r.TotalCpuSeconds)); ONNX Runtime's spinning threads count here, so this is only a rough second view).",
        "- Same chunks, same model: the re-embedded vectors of the first batch match the stored ones (lowest cosine $(Format-Number $r.MinCosineToStored '0.000000')); the direct cross-check wrote $($o.chunks) chunks from $($o.files) files with $($o.missingVectors) chunk texts not found in the real run.",
        "- Load average (1/5/15 min) before the ingest $($r.LoadBefore), after it $($r.LoadAfterIngest), after the embedding pass $($r.LoadAfterEmbed): the two are compared across time, so a change of load between them moves the split (the direct cross-check does not depend on it).",
        '- Progress display off ($ProgressPreference = ''SilentlyContinue'') in the measured process.'
    )
    $cmd = "dotnet pwsh -NoProfile -File bench/Rag/Measure-RagIngest.ps1$(if ($Quick) { ' -Quick' } else { " -Megabytes $Megabytes -Files $Files" })"
    Write-RagBenchSection -Title "Ingest of a $(Format-Number ($written / 1e6) '0.0') MB text corpus with the local model" -Body $body -Started $started -LoadAtStart $loadAtStart -ModulePath $ModulePath -Command $cmd -Quick:$Quick -ResultsDirectory $ResultsDirectory
}
finally {
    if ($KeepWork) { Write-BenchProgress "work folder kept: $work" } else { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}
