BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'RagTestData.psm1') -Force
    Remove-Item Env:MIXTRAL_EMBED_MODEL -ErrorAction SilentlyContinue

    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-testragindex-$([guid]::NewGuid().ToString('N'))"
    $script:Docs = New-RagSampleCorpus -Folder (Join-Path $script:Work 'docs')
    $script:Index = Join-Path $script:Work 'docs.ragidx'
    Get-ChildItem $script:Docs -File | New-RagIndex -Path $script:Index -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null

    $script:Questions = @(
        [pscustomobject]@{ Query = 'How do otters keep warm in cold water?'; Expected = 'otters.md' }
        [pscustomobject]@{ Query = 'At what temperature should sourdough proof?'; Expected = 'docs/sourdough.txt' }
        [pscustomobject]@{ Query = 'Which moon has lakes of liquid methane?'; Expected = '*titan*' }
    )

    # A tiny BEIR folder and its corpus indexed as the help says: Source = the document's _id.
    $script:Beir = Join-Path $script:Work 'beir'
    New-Item -ItemType Directory -Path (Join-Path $script:Beir 'qrels') -Force | Out-Null
    @(
        '{"_id": "d1", "title": "Otters", "text": "Sea otters have the densest fur of any animal."}'
        '{"_id": "d2", "title": "Bread", "text": "Sourdough rises with wild yeast from a starter."}'
        '{"_id": "d3", "title": "Titan", "text": "Titan has lakes of liquid methane."}'
    ) | Set-Content (Join-Path $script:Beir 'corpus.jsonl') -Encoding utf8NoBOM
    @(
        '{"_id": "q1", "text": "densest fur of any animal"}'
        '{"_id": "q2", "text": "wild yeast starter"}'
        '{"_id": "q3", "text": "never judged"}'
    ) | Set-Content (Join-Path $script:Beir 'queries.jsonl') -Encoding utf8NoBOM
    "query-id`tcorpus-id`tscore", "q1`td1`t1", "q2`td2`t2", "q2`td3`t0", "q9`td3`t1" | Set-Content (Join-Path $script:Beir 'qrels/test.tsv') -Encoding utf8NoBOM
    $script:BeirIndex = Join-Path $script:Work 'beir.ragidx'
    Get-Content (Join-Path $script:Beir 'corpus.jsonl') | ConvertFrom-Json |
        ForEach-Object { [pscustomobject]@{ Source = $_._id; Text = "$($_.title) $($_.text)" } } |
        New-RagIndex -Path $script:BeirIndex -Chunker Fixed -ChunkSize 100000 | Out-Null
}

AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Test-RagIndex' {
    It 'measures every mode by default, one object each' {
        $results = $script:Questions | Test-RagIndex -Path $script:Index
        @($results.Mode) | Should -Be @('Hybrid', 'Vector', 'Keyword')
        foreach ($r in $results) {
            $r.GetType().FullName | Should -Be 'MixtralPS.Core.Rag.Evaluation.RetrievalQuality'
            $r.Queries | Should -Be 3
            foreach ($measure in 'NDCG10', 'Recall10', 'MRR10', 'Hit1', 'Hit5') { $r.$measure | Should -BeGreaterOrEqual 0; $r.$measure | Should -BeLessOrEqual 1 }
            $r.MedianMs | Should -BeGreaterThan 0
            $r.IndexPath | Should -Be $script:Index
            $r.Dataset | Should -BeNullOrEmpty
        }
        $hybrid = $results | Where-Object Mode -EQ Hybrid
        $hybrid.Hit5 | Should -Be 1
        $hybrid.Recall10 | Should -Be 1
    }

    It 'ranks sources as Find-RagContext finds them, each source once' {
        $question = 'otters fur air warm water'
        $found = @(Find-RagContext $question -Path $script:Index -Mode Keyword -Top 50 | ForEach-Object Source | Select-Object -Unique)
        $expected = [array]::IndexOf($found, (Join-Path $script:Docs 'sourdough.txt')) + 1
        $result = Test-RagIndex -Path $script:Index -Query $question -Expected 'sourdough.txt' -Mode Keyword -PerQuery |
            Where-Object QueryId
        $result.Rank | Should -Be $(if ($expected -gt 0) { $expected } else { $null })
        @($result.Found) | Should -Be @($found | Select-Object -First 10)
        $result.TopSource | Should -Be $found[0]
        @($result.Found | Select-Object -Unique).Count | Should -Be @($result.Found).Count
    }

    It 'scores by hand-checkable ranks: a source found second gives nDCG 1/log2(3) and MRR 1/2' {
        $top = @(Find-RagContext 'degrees Celsius' -Path $script:Index -Mode Keyword -Top 50 | ForEach-Object Source | Select-Object -Unique)
        $top.Count | Should -BeGreaterOrEqual 2
        $result = Test-RagIndex -Path $script:Index -Query 'degrees Celsius' -Expected $top[1] -Mode Keyword
        $result.NDCG10 | Should -BeLessThan (1 / [Math]::Log(3, 2) + 1e-9)
        $result.NDCG10 | Should -BeGreaterThan (1 / [Math]::Log(3, 2) - 1e-9)
        $result.MRR10 | Should -Be 0.5
        $result.Hit1 | Should -Be 0
        $result.Hit5 | Should -Be 1
    }

    It 'matches expected sources by full path, path tail or wildcard, not by a part of a name' {
        $otters = Join-Path $script:Docs 'otters.md'
        foreach ($expected in $otters, 'otters.md', 'docs/OTTERS.md', '*/ott?rs.*') {
            (Test-RagIndex -Path $script:Index -Query 'sea otters fur' -Expected $expected -Mode Keyword).Hit5 | Should -Be 1 -Because $expected
        }
        (Test-RagIndex -Path $script:Index -Query 'sea otters fur' -Expected 'ters.md' -Mode Keyword).Recall10 | Should -Be 0
    }

    It 'gives, with -PerQuery, each question''s rank there and in each half alone' {
        $out = $script:Questions | Test-RagIndex -Path $script:Index -Mode Hybrid -PerQuery
        $details = @($out | Where-Object { $_ -is [MixtralPS.Core.Rag.Evaluation.RetrievalQueryResult] })
        $details.Count | Should -Be 3
        @($out)[-1].Mode | Should -Be 'Hybrid'
        @($out)[-1].Queries | Should -Be 3
        $halves = $script:Questions | Test-RagIndex -Path $script:Index -Mode Vector, Keyword -PerQuery | Where-Object QueryId
        foreach ($d in $details) {
            $d.Mode | Should -Be 'Hybrid'
            $d.VectorRank | Should -Be ($halves | Where-Object { $_.QueryId -eq $d.QueryId -and $_.Mode -eq 'Vector' }).Rank
            $d.KeywordRank | Should -Be ($halves | Where-Object { $_.QueryId -eq $d.QueryId -and $_.Mode -eq 'Keyword' }).Rank
        }
        $details[0].Query | Should -Be 'How do otters keep warm in cold water?'
        $details[0].Expected | Should -Be 'otters.md'
        $details[0].Rank | Should -Be 1
    }

    It 'measures a BEIR folder whose corpus is indexed by document id, with graded judgments' {
        $warnings = $null
        $results = Test-RagIndex -Path $script:BeirIndex -Dataset $script:Beir -Mode Keyword, Hybrid -WarningVariable warnings -WarningAction SilentlyContinue
        @($results.Mode) | Should -Be @('Keyword', 'Hybrid')
        foreach ($r in $results) {
            $r.Queries | Should -Be 2
            $r.Dataset | Should -Be $script:Beir
            $r.NDCG10 | Should -Be 1
            $r.Hit1 | Should -Be 1
        }
        @($warnings) -join "`n" | Should -Match "'q9'"
    }

    It 'reads another split with -Split' {
        Copy-Item (Join-Path $script:Beir 'qrels/test.tsv') (Join-Path $script:Beir 'qrels/dev.tsv')
        (Test-RagIndex -Path $script:BeirIndex -Dataset $script:Beir -Split dev -Mode Keyword -WarningAction SilentlyContinue).Queries | Should -Be 2
        { Test-RagIndex -Path $script:BeirIndex -Dataset $script:Beir -Split nope -Mode Keyword -ErrorAction Stop } |
            Should -Throw -ErrorId 'TestRagIndexInvalidDataset,MixtralPS.Commands.TestRagIndexCommand'
    }

    It 'stops with a clear error for a missing index or a folder that is not a BEIR folder' {
        { Test-RagIndex -Path (Join-Path $script:Work 'none.ragidx') -Query 'x' -Expected 'y' -ErrorAction Stop } |
            Should -Throw -ErrorId 'TestRagIndexIndexNotFound,MixtralPS.Commands.TestRagIndexCommand'
        $err = { Test-RagIndex -Path $script:Index -Dataset $script:Docs -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'TestRagIndexInvalidDataset,MixtralPS.Commands.TestRagIndexCommand'
        $err.Exception.Message | Should -Match 'not a BEIR folder.*queries\.jsonl'
    }

    It 'takes the store parameters of the other RAG cmdlets, and says when no index is given' {
        (Get-Command Test-RagIndex).Parameters.Keys | Should -Contain 'ConnectionString'
        (Get-Command Test-RagIndex).Parameters.Keys | Should -Contain 'Name'
        $saved = $env:MIXTRALPS_RAG_CONNECTION
        try {
            Remove-Item Env:MIXTRALPS_RAG_CONNECTION -ErrorAction SilentlyContinue
            { Test-RagIndex -Dataset $script:Beir -ErrorAction Stop } | Should -Throw -ErrorId 'TestRagIndexNoIndex,MixtralPS.Commands.TestRagIndexCommand'
        }
        finally { $env:MIXTRALPS_RAG_CONNECTION = $saved }
    }

    It 'reports a question it cannot use and measures the others' {
        $items = @(
            [pscustomobject]@{ Query = 'otters'; Expected = 'otters.md' }
            [pscustomobject]@{ Query = 'no expected source' }
            [pscustomobject]@{ Query = 'sourdough'; Expected = ' ' }
        )
        $errors = $null
        $result = $items | Test-RagIndex -Path $script:Index -Mode Keyword -ErrorVariable errors -ErrorAction SilentlyContinue
        $result.Queries | Should -Be 1
        @($errors).Count | Should -Be 2
        @($errors.FullyQualifiedErrorId) -match 'TestRagIndexInvalidQuestion' | Should -Not -BeNullOrEmpty
    }

    It 'warns and measures nothing without questions' {
        $warnings = $null
        @() | Test-RagIndex -Path $script:Index -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$warnings" | Should -Match 'no questions'
    }

    It 'shows a table of the measures' {
        $table = $script:Questions | Test-RagIndex -Path $script:Index -Mode Keyword | Out-String -Width 200
        $table | Should -Match 'Mode\s+Queries\s+NDCG10\s+Recall10\s+MRR10\s+Hit1\s+Hit5\s+MedianMs'
        $table | Should -Match 'Keyword\s+3\s+\d\.\d{4}'
    }
}
