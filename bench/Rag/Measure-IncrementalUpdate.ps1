#!/usr/bin/env pwsh
<#
.SYNOPSIS
    What an update costs once chunks keep their vectors: one edited paragraph of a 1 MB document against indexing it
    from scratch, and one changed document in a 10,000- and a 100,000-chunk index.
.DESCRIPTION
    dotnet pwsh -NoProfile -File bench/Rag/Measure-IncrementalUpdate.ps1 [-Data DIR] [-ModulePath DIR] [-Quick] [-Runs 3]

    1. A 1 MB (decimal) text of SciFact abstracts, one paragraph each. In one pwsh process with the module loaded and
       the model warm: New-RagIndex -Text of it into a new index (from scratch), then -Runs times: one paragraph in the
       middle edited (a sentence added) and the same New-RagIndex again. Reported: times, ChunksEmbedded/ChunksReused,
       and the edit's time as a share of the scratch time (target <= 5 %).
    2. Indexes of 10,000 and 100,000 chunks written by bench/Rag/Harness (SciFact sentences, random unit vectors: the
       update's cost does not depend on which vectors the other chunks have), then in a fresh process per size, -Runs
       times: one of its documents (100 chunks) replaced by an edited version through New-RagIndex -Text, timed
       around the cmdlet (embedding of the changed chunks, the transaction, keyword merge, graph update); the document
       is first rewritten once, untimed, as New-RagIndex chunks its text (the harness wrote a sentence per chunk). Target:
       <= 2 s, and about the same at both sizes.
    Results: a section in bench/results/rag-<date>.md (rag-<date>-quick.md with -Quick). -Quick: 0.1 MB; 2,000 and
    5,000 chunks.
#>
[CmdletBinding()]
param(
    [ValidateSet('Run', 'Document', 'Sized')]
    [string] $Phase = 'Run',
    [string] $ModulePath,
    [string] $Data,
    [int] $Runs = 3,
    [switch] $Quick,
    [string] $ResultsDirectory,
    # Phase workers only:
    [string] $IndexPath,
    [string] $ResultFile,
    [double] $Megabytes = 1
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RagBench.Common.ps1')
$ModulePath = Resolve-ModulePath $ModulePath
$Data = Find-SciFact $Data

function Get-Abstracts {
    Get-Content (Join-Path $Data 'corpus.jsonl') | ForEach-Object { $d = $_ | ConvertFrom-Json; "$($d.title). $($d.text)" } | Where-Object { $_.Length -gt 200 }
}

if ($Phase -eq 'Document') {
    Import-Module $ModulePath
    $paragraphs = [Collections.Generic.List[string]]::new()
    $size = 0
    foreach ($a in Get-Abstracts) { $paragraphs.Add($a); $size += $a.Length + 2; if ($size -ge $Megabytes * 1e6) { break } }
    $warm = Join-Path (Split-Path $IndexPath) 'warm.ragidx'
    New-RagIndex -Path $warm -Text 'Warm the model up.' -Source warm | Out-Null
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $scratch = New-RagIndex -Path $IndexPath -Text ($paragraphs -join "`n`n") -Source 'big.txt'
    $scratchMs = $clock.Elapsed.TotalMilliseconds
    $edits = foreach ($run in 1..$Runs) {
        $at = [int]($paragraphs.Count * $run / ($Runs + 1))
        $paragraphs[$at] = $paragraphs[$at] + " Edited in run $run, this sentence changes one paragraph."
        $clock.Restart()
        $summary = New-RagIndex -Path $IndexPath -Text ($paragraphs -join "`n`n") -Source 'big.txt'
        [pscustomobject]@{ Ms = $clock.Elapsed.TotalMilliseconds; Embedded = $summary.ChunksEmbedded; Reused = $summary.ChunksReused }
    }
    [pscustomobject]@{ Characters = $size; Chunks = $scratch.ChunksWritten; ScratchMs = $scratchMs; Edits = @($edits) } | ConvertTo-Json -Depth 4 | Set-Content $ResultFile
    return
}

if ($Phase -eq 'Sized') {
    Import-Module $ModulePath
    New-RagIndex -Path (Join-Path (Split-Path $IndexPath) 'warm.ragidx') -Text 'Warm the model up.' -Source warm | Out-Null
    $db = Join-Path $IndexPath 'index.db'
    $runsOut = foreach ($run in 1..$Runs) {
        # A document the harness wrote, edited: its chunks' texts with one sentence changed.
        $source = 'synthetic/document-{0:D6}.txt' -f ((7 * $run) % 19 + 1)
        $texts = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$db;Mode=ReadOnly;Pooling=False")
        $texts.Open()
        $command = $texts.CreateCommand()
        $command.CommandText = 'SELECT c.text FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source = $s ORDER BY c.ordinal'
        $null = $command.Parameters.AddWithValue('$s', $source)
        $r = $command.ExecuteReader()
        $chunks = [Collections.Generic.List[string]]::new()
        while ($r.Read()) { $chunks.Add($r.GetString(0)) }
        $texts.Dispose()
        # Once (untimed) as New-RagIndex chunks it, then with one of its paragraphs edited (timed).
        New-RagIndex -Path $IndexPath -Text ($chunks -join "`n`n") -Source $source | Out-Null
        $chunks[[int]($chunks.Count / 2)] += " Edited in run $run."
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $summary = New-RagIndex -Path $IndexPath -Text ($chunks -join "`n`n") -Source $source
        [pscustomobject]@{ Ms = $clock.Elapsed.TotalMilliseconds; Embedded = $summary.ChunksEmbedded; Reused = $summary.ChunksReused; Chunks = $summary.Chunks }
    }
    @($runsOut) | ConvertTo-Json -Depth 3 | Set-Content $ResultFile
    return
}

$started = Get-Date
$load = Get-LoadAverage
$work = New-RagBenchWorkDirectory 'incremental'
$megabytes = if ($Quick) { 0.1 } else { 1 }
$sizes = if ($Quick) { 2000, 5000 } else { 10000, 100000 }
try {
    Write-BenchProgress "indexing a $megabytes MB document from scratch, then editing one paragraph $Runs times"
    $documentResult = Join-Path $work 'document.json'
    Invoke-FreshPwsh -File $PSCommandPath -Arguments @('-Phase', 'Document', '-ModulePath', $ModulePath, '-Data', $Data, '-Runs', $Runs, '-Megabytes', $megabytes, '-IndexPath', (Join-Path $work 'big.ragidx'), '-ResultFile', $documentResult)
    $document = Get-Content $documentResult -Raw | ConvertFrom-Json

    $sized = foreach ($chunks in $sizes) {
        $index = Join-Path $work "synthetic-$chunks.ragidx"
        Write-BenchProgress "writing a $chunks-chunk index (bench/Rag/Harness synthetic, random vectors)"
        Invoke-RagHarness -Arguments @('synthetic', '--index', $index, '--chunks', $chunks, '--per-document', 100, '--data', $Data, '--seed', 1, '--out', (Join-Path $work "synthetic-$chunks.json"))
        Write-BenchProgress "updating one document of the $chunks-chunk index $Runs times"
        $file = Join-Path $work "sized-$chunks.json"
        Invoke-FreshPwsh -File $PSCommandPath -Arguments @('-Phase', 'Sized', '-ModulePath', $ModulePath, '-Data', $Data, '-Runs', $Runs, '-IndexPath', $index, '-ResultFile', $file)
        [pscustomobject]@{ Chunks = $chunks; Runs = @(Get-Content $file -Raw | ConvertFrom-Json) }
    }

    $f = { param($v, $fmt = '0') Format-Number $v $fmt }
    $editMedian = Get-Median ([double[]]@($document.Edits.Ms))
    $share = 100 * $editMedian / $document.ScratchMs
    $body = @(
        "### One paragraph of a $(& $f ($document.Characters / 1e6) '0.00') MB document ($($document.Chunks) chunks)"
        ''
        "| | time | chunks embedded | chunks reused |"
        "|---|---:|---:|---:|"
        "| from scratch | $(& $f ($document.ScratchMs / 1000) '0.0') s | $($document.Chunks) | 0 |"
    ) + @($document.Edits | ForEach-Object { "| one paragraph edited | $(& $f ($_.Ms / 1000) '0.00') s | $($_.Embedded) | $($_.Reused) |" }) + @(
        ''
        "Median edit: $(& $f ($editMedian / 1000) '0.00') s, $(& $f $share '0.0') % of the scratch time (target <= 5 %: $(if ($share -le 5) { 'met' } else { '**not met**' }))."
        ''
        "### One document (100 chunks, one edited) updated in indexes of different sizes"
        ''
        "| index | runs (s) | median | chunks embedded |"
        "|---:|---|---:|---:|"
    ) + @($sized | ForEach-Object { "| $($_.Chunks.ToString('N0', [Globalization.CultureInfo]::InvariantCulture)) chunks | $((@($_.Runs) | ForEach-Object { & $f ($_.Ms / 1000) '0.00' }) -join ', ') | $(& $f ((Get-Median ([double[]]@($_.Runs.Ms))) / 1000) '0.00') s | $((@($_.Runs) | ForEach-Object { $_.Embedded }) -join ', ') |" }) + @(
        ''
        'Timed around New-RagIndex in a process with the model loaded: hashing, chunking, looking up the stored vectors, embedding the new chunks, the transaction, the keyword merge and the graph update. Target: <= 2 s at 100,000 chunks, independent of size.'
    )
    Write-RagBenchSection -Title 'Incremental updates: an edited paragraph, one document in a large index' -Body $body -Started $started -LoadAtStart $load -ModulePath $ModulePath `
        -Command "dotnet pwsh -NoProfile -File bench/Rag/Measure-IncrementalUpdate.ps1$(if ($Quick) { ' -Quick' })" -Quick:$Quick -ResultsDirectory $ResultsDirectory
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
