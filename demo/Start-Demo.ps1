<#
.SYNOPSIS
    The README's main job, offline, on the embedded defaults: index the project's own documentation with the
    local model, ask it questions, compare texts. With $env:MISTRAL_API_KEY set, the questions are also
    answered by the model, grounded in what was found.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # Where the index is kept; a second run there skips the unchanged documents.
    [string] $WorkDirectory = (Join-Path ([IO.Path]::GetTempPath()) 'mixtralps-demo')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$root = Split-Path $PSScriptRoot
$index = Join-Path $WorkDirectory 'docs.ragidx'

function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

Write-Step "MixtralPS $((Get-Module MixtralPS).Version): indexing the project's documentation with the local model (no key, no network)"
$files = @(Get-Item (Join-Path $root 'README.md')) + @(Get-ChildItem (Join-Path $root 'docs') -Filter '*.md' -File -Recurse)
$summary = $files | New-RagIndex -Path $index
$summary | Format-List Path, Model, Added, Updated, Skipped, Documents, Chunks, Elapsed | Out-String | Write-Host

$questions = @(
    'How do I use a self-hosted Mixtral server?'
    'What happens if a writer is killed in the middle of an update?'
    'Why is USearch used instead of HNSW.Net?'
    'ERR: how is the API key kept out of logs?'
)
foreach ($question in $questions) {
    Write-Step "Find-RagContext '$question'"
    # -Unique: the two best files, each by its best chunk; Heading is where in the file the chunk sits.
    Find-RagContext $question -Path $index -Top 2 -Unique | ForEach-Object {
        $snippet = ($_.Text -replace '\s+', ' ')
        if ($snippet.Length -gt 220) { $snippet = $snippet.Substring(0, 220) + '…' }
        $where = if ($_.Heading) { " > $($_.Heading)" } else { '' }
        Write-Host ("  [{0}] {1}{2}  (score {3:0.000}; vector rank {4}, keyword rank {5})" -f $_.Rank, (Split-Path $_.Source -Leaf), $where, $_.Score, ($_.VectorRank ?? '-'), ($_.KeywordRank ?? '-')) -ForegroundColor Yellow
        Write-Host "      $snippet"
    }
}

Write-Step "Compare-TextSimilarity: which two sentences say the same thing?"
Compare-TextSimilarity "What led to Zidane's ban from football?", 'This is a totally different sentence.', 'What caused Zidane to get banned from football?' |
    ForEach-Object {
        $verdict = if ($_.IsParaphrase) { 'paraphrase' } else { 'different ' }
        Write-Host ("  cosine {0:0.000}  {1}  {2}  ~  {3}" -f $_.Cosine, $verdict, $_.Text1, $_.Text2) -ForegroundColor $(if ($_.IsParaphrase) { 'Green' } else { 'Gray' })
    }

Write-Step "Piped input: everything piped is one question; objects go as data (-WhatIf shows what would be sent)"
$files | Invoke-MixtralChat 'Which of these files is the largest, and how large is it?' -WhatIf

if ($env:MISTRAL_API_KEY) {
    Write-Step 'MISTRAL_API_KEY is set: asking about the piped files'
    Write-Host ($files | Invoke-MixtralChat 'Which of these files is the largest, and how large is it? One line.').Content

    Write-Step 'MISTRAL_API_KEY is set: answering from the retrieved context'
    foreach ($question in $questions[0..1]) {
        Write-Host "Q: $question" -ForegroundColor Yellow
        $answer = Find-RagContext $question -Path $index -Top 4 | Invoke-MixtralChat -Message $question -Stream
        Write-Host ("Sources: " + (($answer.Sources | ForEach-Object { Split-Path $_ -Leaf }) -join ', ')) -ForegroundColor DarkGray
    }
}
else {
    Write-Host "`nSet `$env:MISTRAL_API_KEY (or `$env:MISTRAL_ENDPOINT for a self-hosted Mixtral) to have the questions answered from this context." -ForegroundColor DarkGray
}
Write-Host "`nThe index is at $index; run the demo again and unchanged documents are skipped." -ForegroundColor DarkGray
