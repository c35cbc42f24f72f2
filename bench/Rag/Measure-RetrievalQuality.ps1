#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Retrieval quality on three sets through Test-RagIndex, every mode, beside a plain Okapi BM25 on the same chunks:
    Debian documentation (bench/data/eval/debian-docs), mixed-language man pages (bench/data/eval/multilingual, and
    its CJK questions without Latin-script words, multilingual-cjk, on the same index) and SciFact (shared/data/scifact).
.DESCRIPTION
    dotnet pwsh -NoProfile -File bench/Rag/Measure-RetrievalQuality.ps1 [-Set DebianDocs,Multilingual,SciFact]
        [-ModulePath out/MixtralPS] [-Data shared/data/scifact] [-WorkDirectory DIR] [-ResultsDirectory bench/results]

    Each set's index is built in a fresh pwsh with New-RagIndex as a user would build it (default chunking), then
    measured in another fresh pwsh with Test-RagIndex -Dataset (Hybrid, Vector, Keyword). The sets of this repository
    name their documents by path on this machine (corpus.txt, one a line; they are never copied into the repository):
    files are indexed as files; gzipped man pages are rendered to text with groff first, and keep their own path as
    Source. A document missing on this machine is skipped and counted; questions about it still count, as misses.
    SciFact is indexed one chunk per abstract, title + " " + text cut to the model's token limit, as MTEB embeds it
    (see Measure-SciFactRetrieval.ps1), so its Vector figure compares with the published one.
    The baseline: Okapi BM25, k1 0.9, b 0.4, over the index's own chunk texts, words lower-cased without accents and
    Porter-stemmed (MixtralPS.Core.Rag.Evaluation.Bm25Baseline), scored the same way.
    Results: bench/results/retrieval-quality-<date>.md (a section per run, appended), printed too. -Quick measures
    the Multilingual set only, into retrieval-quality-<date>-quick.md. Indexes are kept
    in -WorkDirectory (default: a temp folder) and reused while their corpus and the module are unchanged; -Rebuild
    builds them again.
#>
[CmdletBinding()]
param(
    # DebianDocs, Multilingual, MultilingualCjk, SciFact (a comma-separated list works from -File too).
    [string[]] $Set = @('DebianDocs', 'Multilingual', 'MultilingualCjk', 'SciFact'),
    [string] $ModulePath,
    [string] $Data,
    [string] $WorkDirectory,
    [string] $ResultsDirectory,
    [switch] $Rebuild,
    [string] $Label,
    # A smoke run: the smallest set only (Multilingual), written to retrieval-quality-<date>-quick.md.
    [switch] $Quick,
    # Phase workers only:
    [ValidateSet('Run', 'Index', 'Measure')]
    [string] $Phase = 'Run',
    [string] $Dataset,
    [string] $IndexPath,
    [string] $ResultFile
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RagBench.Common.ps1')
$ModulePath = Resolve-ModulePath $ModulePath
$Set = if ($Quick) { @('Multilingual', 'MultilingualCjk') } else { @($Set | ForEach-Object { $_ -split ',' } | Where-Object { $_ }) }
foreach ($name in $Set) { if ($name -notin 'DebianDocs', 'Multilingual', 'MultilingualCjk', 'SciFact') { throw "Unknown set '$name': DebianDocs, Multilingual, MultilingualCjk or SciFact." } }
$EvalData = Join-Path (Get-RagBenchRoot) 'bench/data/eval'

# A set's documents as New-RagIndex input: files as they are, man pages rendered; what is missing is counted.
function Get-SetDocument([string] $Folder, [ref] $Missing) {
    foreach ($path in [IO.File]::ReadLines((Join-Path $Folder 'corpus.txt'))) {
        if (-not $path) { continue }
        if (-not [IO.File]::Exists($path)) { $Missing.Value++; continue }
        if ($path -like '*/man/*.gz') {
            # groff -k runs preconv, so pages in any encoding come out as UTF-8; -P-cbou drops overstriking and colour.
            $text = (& sh -c "gzip -dc '$path' | groff -k -man -Tutf8 -P-cbou 2>/dev/null") -join "`n"
            [pscustomobject]@{ Source = $path; Text = $text }
        }
        else { Get-Item -LiteralPath $path }
    }
}

function Get-SciFactDocument([string] $Folder, [string] $Model) {
    $info = [MixtralPS.Core.Embeddings.LocalModelCatalog]::Get($Model)
    $vocabulary = [IO.Path]::Combine($ModulePath, 'models', $info.Name, [MixtralPS.Core.Embeddings.LocalModelInfo]::VocabularyFileName)
    $tokenizer = [MixtralPS.Core.Embeddings.WordPieceTokenizer]::FromVocabularyFile($vocabulary, $info.LowerCase)
    foreach ($doc in [MixtralPS.Core.Rag.Evaluation.BeirDataset]::ReadCorpus($Folder)) {
        $text, $null = Get-FittedText $tokenizer ("$($doc.Title) $($doc.Text)").Trim() $info.DefaultMaxTokens
        [pscustomobject]@{ Source = $doc.Id; Text = $text }
    }
}

if ($Phase -eq 'Index') {
    $ProgressPreference = 'SilentlyContinue'
    Import-Module (Join-Path $ModulePath 'MixtralPS.psd1')
    $missing = 0
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $summary = if (Test-Path (Join-Path $Dataset 'corpus.jsonl')) {
        Get-SciFactDocument $Dataset 'all-MiniLM-L6-v2' | New-RagIndex -Path $IndexPath -Chunker Fixed -ChunkSize 100000 -Force
    }
    else {
        Get-SetDocument $Dataset ([ref]$missing) | New-RagIndex -Path $IndexPath -Force -WarningAction SilentlyContinue -ErrorVariable failures -ErrorAction SilentlyContinue
    }
    [ordered]@{
        Documents = $summary.Documents; Chunks = $summary.Chunks; Failed = $summary.Failed; Missing = $missing
        Seconds = $clock.Elapsed.TotalSeconds; Model = $summary.Model
    } | ConvertTo-Json | Set-Content -Path $ResultFile -Encoding utf8NoBOM
    return
}

if ($Phase -eq 'Measure') {
    $ProgressPreference = 'SilentlyContinue'
    Import-Module (Join-Path $ModulePath 'MixtralPS.psd1')
    $results = @(Test-RagIndex -Path $IndexPath -Dataset $Dataset -WarningAction SilentlyContinue)
    # The yardstick: plain BM25 over the very chunks the index holds (the folder store's index.db).
    $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$(Join-Path $IndexPath 'index.db');Mode=ReadOnly;Pooling=False")
    $connection.Open()
    $chunks = [Collections.Generic.List[ValueTuple[string, string]]]::new()
    try {
        $command = $connection.CreateCommand()
        $command.CommandText = 'SELECT d.source, c.text FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY c.id'
        $reader = $command.ExecuteReader()
        while ($reader.Read()) { $chunks.Add([ValueTuple[string, string]]::new($reader.GetString(0), $reader.GetString(1))) }
        $reader.Dispose()
    }
    finally { $connection.Dispose() }
    $bm25 = [MixtralPS.Core.Rag.Evaluation.Bm25Baseline]::new($chunks, $true, 0.9, 0.4)
    $questions = [MixtralPS.Core.Rag.Evaluation.BeirDataset]::ReadQuestions($Dataset, 'test').Queries
    $scores = [Collections.Generic.List[MixtralPS.Core.Rag.Evaluation.QueryScores]]::new()
    $times = [Collections.Generic.List[double]]::new()
    foreach ($q in $questions) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $ranked = [MixtralPS.Core.Rag.Evaluation.RetrievalMetrics]::DistinctSources([string[]]@($bm25.Search($q.Text, 50) | ForEach-Object Item1))
        $times.Add($clock.Elapsed.TotalMilliseconds)
        $scores.Add([MixtralPS.Core.Rag.Evaluation.RetrievalMetrics]::Score($ranked, $q.Expected))
    }
    $results += [MixtralPS.Core.Rag.Evaluation.RetrievalQuality]::Summarise('BM25 baseline', $scores, $times, $IndexPath, $Dataset)
    $results | Select-Object Mode, Queries, NDCG10, Recall10, MRR10, Hit1, Hit5, MedianMs |
        ConvertTo-Json | Set-Content -Path $ResultFile -Encoding utf8NoBOM
    return
}

# One set's table, with the issue's targets checked where they apply.
function Format-QualitySection([string] $Name, [string] $Title, $Indexed, $Rows) {
    $f = { param($v) Format-Number $v '0.0000' }
    $row = @{}; foreach ($r in $Rows) { $row[$r.Mode] = $r }
    $met = { param($ok) if ($ok) { 'met' } else { '**not met**' } }
    $out = @(
        "### $Title"
        ''
        "$($Indexed.Documents) documents, $($Indexed.Chunks) chunks ($($Indexed.Model)); $(if ($Indexed.Missing) { "$($Indexed.Missing) listed documents missing on this machine; " })$(if ($Indexed.Failed) { "$($Indexed.Failed) failed to index; " })built in $(Format-Number ($Indexed.Seconds / 60) '0.0') min."
        ''
        '| Mode | Queries | nDCG@10 | Recall@10 | MRR@10 | Hit@1 | Hit@5 | median ms |'
        '|---|---:|---:|---:|---:|---:|---:|---:|'
    )
    foreach ($r in $Rows) {
        $out += "| $($r.Mode) | $($r.Queries) | $(& $f $r.NDCG10) | $(& $f $r.Recall10) | $(& $f $r.MRR10) | $(Format-Number $r.Hit1 '0.000') | $(Format-Number $r.Hit5 '0.000') | $(Format-Number $r.MedianMs '0.0') |"
    }
    $out += ''
    if ($row.Hybrid -and $row.Vector -and $row.Keyword) {
        $best = [Math]::Max($row.Vector.NDCG10, $row.Keyword.NDCG10)
        $bestHit = [Math]::Max($row.Vector.Hit5, $row.Keyword.Hit5)
        $out += "- Hybrid ≥ the better half (nDCG@10 or Hit@5): $(& $met ($row.Hybrid.NDCG10 -ge $best -or $row.Hybrid.Hit5 -ge $bestHit)); margin nDCG@10 $(& $f ($row.Hybrid.NDCG10 - $best)), Hit@5 $(Format-Number ($row.Hybrid.Hit5 - $bestHit) '0.000') (≥ 0.02 wanted on two sets)"
    }
    if ($row.Keyword -and $row['BM25 baseline']) {
        $out += "- Keyword ≥ plain BM25 on the same chunks (nDCG@10): $(& $met ($row.Keyword.NDCG10 -ge $row['BM25 baseline'].NDCG10)) ($(& $f ($row.Keyword.NDCG10 - $row['BM25 baseline'].NDCG10)))"
    }
    if ($Name -eq 'SciFact' -and $row.Hybrid -and $row.Vector) {
        $out += "- Hybrid nDCG@10 ≥ 0.72: $(& $met ($row.Hybrid.NDCG10 -ge 0.72)); Vector within 0.005 of the published 0.64508: $(& $met ([Math]::Abs($row.Vector.NDCG10 - 0.64508) -le 0.005))"
    }
    if ($Name -like 'Multilingual*' -and $row.Keyword) {
        $out += "- Keyword Hit@5 ≥ 0.9: $(& $met ($row.Keyword.Hit5 -ge 0.9))"
    }
    $out + @('')
}

# ---- Run: builds (or reuses) each set's index, measures it, writes the report. ----
$started = Get-Date
$loadAtStart = Get-LoadAverage
# Taken now: a commit made while the sets are measured must not be named as the one measured.
$machine = Get-MachineInfo -ModulePath $ModulePath
if (-not $WorkDirectory) { $WorkDirectory = Join-Path ([IO.Path]::GetTempPath()) 'mixtralps-bench-retrieval-quality' }
New-Item -ItemType Directory -Force $WorkDirectory | Out-Null
$version = (Import-PowerShellDataFile (Join-Path $ModulePath 'MixtralPS.psd1')).ModuleVersion
$moduleStamp = (Get-Item (Join-Path $ModulePath 'MixtralPS.Core.dll')).LastWriteTimeUtc.ToString('o')
$sets = [ordered]@{
    DebianDocs      = @{ Folder = Join-Path $EvalData 'debian-docs'; Title = 'Debian documentation and man pages (bench/data/eval/debian-docs)' }
    Multilingual    = @{ Folder = Join-Path $EvalData 'multilingual'; Title = 'Mixed-language man pages: CJK, Cyrillic, accented Latin (bench/data/eval/multilingual)' }
    # The same index as Multilingual, other questions: CJK only, without a Latin-script word.
    MultilingualCjk = @{ Folder = Join-Path $EvalData 'multilingual-cjk'; Title = 'CJK questions without Latin-script words, same index (bench/data/eval/multilingual-cjk)'; IndexOf = 'Multilingual' }
    SciFact         = @{ Folder = $null; Title = 'SciFact (BEIR test split, shared/data/scifact)' }
}
$sections = @()
foreach ($name in $Set) {
    $questions = if ($name -eq 'SciFact') { Find-SciFact $Data } else { $sets[$name].Folder }
    $indexName = if ($sets[$name].ContainsKey('IndexOf')) { $sets[$name]['IndexOf'] } else { $name }
    $folder = if ($indexName -eq 'SciFact') { $questions } else { $sets[$indexName].Folder }
    $index = Join-Path $WorkDirectory "$indexName.ragidx"
    $built = Join-Path $WorkDirectory "$indexName.index.json"
    # Reused only when built by this same module build from the same corpus list.
    $stamp = "$moduleStamp $((Get-FileHash (Join-Path $folder $(if ($indexName -eq 'SciFact') { 'corpus.jsonl' } else { 'corpus.txt' }))).Hash)"
    $stampFile = Join-Path $WorkDirectory "$indexName.stamp"
    if ($Rebuild -or -not (Test-Path $built) -or -not (Test-Path $stampFile) -or (Get-Content -Raw $stampFile).Trim() -ne $stamp) {
        Write-BenchProgress "$indexName`: building the index in a fresh pwsh"
        Invoke-FreshPwsh -File $PSCommandPath -Arguments @('-Phase', 'Index', '-ModulePath', $ModulePath, '-Dataset', $folder, '-IndexPath', $index, '-ResultFile', $built)
        Set-Content -Path $stampFile -Value $stamp
    }
    else { Write-BenchProgress "$name`: reusing $index" }
    $indexed = Get-Content -Raw $built | ConvertFrom-Json
    Write-BenchProgress "$name`: Test-RagIndex, every mode, and the BM25 baseline in a fresh pwsh"
    $measured = Join-Path $WorkDirectory "$name.results.json"
    Invoke-FreshPwsh -File $PSCommandPath -Arguments @('-Phase', 'Measure', '-ModulePath', $ModulePath, '-Dataset', $questions, '-IndexPath', $index, '-ResultFile', $measured)
    $rows = @(Get-Content -Raw $measured | ConvertFrom-Json)
    $sections += , (Format-QualitySection -Name $name -Title $sets[$name].Title -Indexed $indexed -Rows $rows)
}

$loadAtEnd = Get-LoadAverage
$lines = @(
    "## $(if ($Label) { "$Label — " })$($started.ToString('yyyy-MM-dd HH:mm'))"
    ''
    "- Module $version, git commit $($machine.Commit); $($machine.Module)"
    "- Machine: $($machine.Nproc) logical processors, $($machine.Cpu); $($machine.Os); pwsh $($machine.Pwsh) on $($machine.DotNet)"
    "- Load average (1 min) at start $($loadAtStart.One), at end $($loadAtEnd.One): timings (MedianMs) are only comparable on an idle machine"
    "- Took $([Math]::Round(((Get-Date) - $started).TotalMinutes, 1)) min (index builds included unless reused)"
    ''
) + ($sections | ForEach-Object { $_ })
if (-not $ResultsDirectory) { $ResultsDirectory = Join-Path (Get-RagBenchRoot) 'bench/results' }
New-Item -ItemType Directory -Force $ResultsDirectory | Out-Null
$file = Join-Path $ResultsDirectory ("retrieval-quality-{0:yyyy-MM-dd}{1}.md" -f $started, $(if ($Quick) { '-quick' } else { '' }))
if (-not (Test-Path $file)) {
    Set-Content -Path $file -Encoding utf8NoBOM -Value @("# Retrieval quality (Test-RagIndex), $('{0:yyyy-MM-dd}' -f $started)", '',
        'Written by bench/Rag/Measure-RetrievalQuality.ps1: each set indexed with New-RagIndex defaults (SciFact one chunk per abstract), measured by Test-RagIndex -Dataset in every mode (sources de-duplicated before the cut at 10), beside Okapi BM25 (k1 0.9, b 0.4, Porter) over the same chunks. Sections are appended.', '')
}
Add-Content -Path $file -Encoding utf8NoBOM -Value $lines
$lines | Out-Host
Write-BenchProgress "written to $file"
