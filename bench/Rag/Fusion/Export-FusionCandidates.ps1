param([string]$Module = (Join-Path $PSScriptRoot '../../../out/MixtralPS'), [string]$Out = '/tmp/fusion', [string]$Indexes = (Join-Path ([IO.Path]::GetTempPath()) 'mixtralps-bench-retrieval-quality'))
# Writes each evaluation set's candidates for bench/Rag/Fusion/tune_fusion.py: the sets' indexes (built by
# bench/Rag/Measure-RetrievalQuality.ps1 in its work folder) are copied, brought to the current schema, and asked
# every query in Vector and Keyword mode, top 50 each.
$ErrorActionPreference = 'Stop'
Import-Module $Module
$eval = Join-Path $PSScriptRoot '../../data/eval'
$sets = @(
  @{ Name = 'SciFact'; Index = 'SciFact'; Queries = "$PSScriptRoot/../../../../shared/data/scifact/queries.jsonl"; Qrels = "$PSScriptRoot/../../../../shared/data/scifact/qrels/test.tsv" },
  @{ Name = 'DebianDocs'; Index = 'DebianDocs'; Queries = "$eval/debian-docs/queries.jsonl"; Qrels = (Get-ChildItem "$eval/debian-docs/qrels" -File)[0].FullName },
  @{ Name = 'Multilingual'; Index = 'Multilingual'; Queries = "$eval/multilingual/queries.jsonl"; Qrels = (Get-ChildItem "$eval/multilingual/qrels" -File)[0].FullName },
  @{ Name = 'MultilingualCjk'; Index = 'Multilingual'; Queries = "$eval/multilingual-cjk/queries.jsonl"; Qrels = (Get-ChildItem "$eval/multilingual-cjk/qrels" -File)[0].FullName }
)
foreach ($set in $sets) {
  $idx = (Join-Path $Out "$($set.Index).ragidx")
  if (-not (Test-Path $idx)) {
    Copy-Item (Join-Path $Indexes "$($set.Index).ragidx") $idx -Recurse
    New-RagIndex -Path $idx -WarningAction SilentlyContinue | Out-Null   # upgrade to schema 4 in place
  }
  $qrels = Import-Csv $set.Qrels -Delimiter "`t"
  $wanted = $qrels | Group-Object 'query-id' -AsHashTable -AsString
  $out = (Join-Path $Out "$($set.Name).jsonl")
  $lines = foreach ($line in Get-Content $set.Queries) {
    $q = $line | ConvertFrom-Json
    if (-not $wanted.ContainsKey($q._id)) { continue }
    $vec = Find-RagContext $q.text -Path $idx -Mode Vector -Top 50 | ForEach-Object { ,@($_.Source, $_.ChunkId, $_.Score) }
    $kw = Find-RagContext $q.text -Path $idx -Mode Keyword -Top 50 | ForEach-Object { ,@($_.Source, $_.ChunkId, $_.Score) }
    [ordered]@{ id = $q._id; rel = @($wanted[$q._id] | ForEach-Object { ,@($_.'corpus-id', [int]$_.score) }); vec = @($vec); kw = @($kw) } | ConvertTo-Json -Compress -Depth 5
  }
  Set-Content $out $lines
  Write-Host "$($set.Name): $(@($lines).Count) queries"
}
