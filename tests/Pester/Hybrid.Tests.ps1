BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'RagTestData.psm1') -Force
    Remove-Item Env:MIXTRAL_EMBED_MODEL -ErrorAction SilentlyContinue

    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-hybrid-$([guid]::NewGuid().ToString('N'))"
    $script:Docs = New-RagSampleCorpus -Folder (Join-Path $script:Work 'docs')
    Set-Content (Join-Path $script:Docs 'errors.md') -Encoding utf8NoBOM -Value @'
# Error reference

ERR_CONN_4521 means the widget gateway refused the connection because the quota was exhausted.
Call Get-WidgetQuota to see the remaining quota before retrying.
'@
    $script:Index = Join-Path $script:Work 'hybrid.ragidx'
    Get-ChildItem $script:Docs -File | New-RagIndex -Path $script:Index -WarningAction SilentlyContinue | Out-Null

    function Invoke-Sql([string] $Index, [string] $Sql) {
        $c = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$(Join-Path $Index 'index.db');Pooling=False")
        $c.Open()
        try { $cmd = $c.CreateCommand(); $cmd.CommandText = $Sql; $cmd.ExecuteScalar() } finally { $c.Dispose() }
    }

    # FTS5's own check that the keyword index matches the chunks, entry for entry (throws when it does not).
    function Assert-KeywordIndexInStep([string] $Index) {
        Invoke-Sql $Index "INSERT INTO chunks_fts(chunks_fts) VALUES('integrity-check')" | Out-Null
    }
}

AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Hybrid retrieval' {
    It 'is the default, and says why each chunk was chosen' {
        $hits = Find-RagContext 'How do otters keep warm?' -Path $script:Index
        $hits[0].Mode | Should -Be 'Hybrid'
        Split-Path $hits[0].Source -Leaf | Should -Be 'otters.md'
        $hits[0].VectorRank | Should -Not -BeNullOrEmpty
        $hits[0].KeywordRank | Should -Not -BeNullOrEmpty
        $hits[0].VectorScore | Should -BeGreaterThan 0
        $hits[0].KeywordScore | Should -BeGreaterThan 0
        # The keyword half counts once, or twice when it is sure (its best far above its tenth): -Explain says which.
        $explained = Find-RagContext 'How do otters keep warm?' -Path $script:Index -Explain
        $weight = if ($explained[0].Explanation -match 'counts twice') { 2 } else { 1 }
        $expected = 1 / (10 + $hits[0].VectorRank) + $weight / (10 + $hits[0].KeywordRank)
        [math]::Abs($hits[0].Score - $expected) | Should -BeLessThan 1e-5
        $explained[0].Explanation | Should -Match "^vector #$($hits[0].VectorRank) \(cosine [0-9.]+\); keyword #$($hits[0].KeywordRank) \(BM25 [0-9.]+\); fused"
    }

    It 'finds identifiers and error codes by keyword' {
        $hit = Find-RagContext 'ERR_CONN_4521' -Path $script:Index -Mode Keyword -Top 1
        Split-Path $hit.Source -Leaf | Should -Be 'errors.md'
        $hit.KeywordRank | Should -Be 1
        $hit.VectorRank | Should -BeNullOrEmpty
        (Find-RagContext 'Get-WidgetQuota' -Path $script:Index -Top 1).Source | Should -BeLike '*errors.md'
    }

    It 'takes -FusionK' {
        $hits = Find-RagContext 'otters' -Path $script:Index -FusionK 60 -Top 1
        $expected = 0
        if ($hits.VectorRank) { $expected += 1 / (60 + $hits.VectorRank) }
        if ($hits.KeywordRank) { $expected += 1 / (60 + $hits.KeywordRank) }
        [math]::Abs($hits.Score - $expected) | Should -BeLessThan 1e-5
    }

    It 'treats query syntax in a question as plain words: <Question>' -ForEach @(
        @{ Question = '"unbalanced quote about otters' }
        @{ Question = 'otters AND NOT (fur OR "air' }
        @{ Question = 'NEAR(otters fur, 2)' }
        @{ Question = 'text: otters* ^fur' }
        @{ Question = 'otters -fur --dash + {braces} [brackets]' }
        @{ Question = 'OR AND NOT NEAR' }
        @{ Question = "it's the otter's fur; isn't it?" }
    ) {
        foreach ($mode in 'Hybrid', 'Keyword', 'Vector') {
            { Find-RagContext $Question -Path $script:Index -Mode $mode -ErrorAction Stop } | Should -Not -Throw
        }
        (Find-RagContext $Question -Path $script:Index -Mode Hybrid).Count | Should -Be 4
    }

    It 'answers questions in other scripts: <Question>' -ForEach @(
        @{ Question = '日本語の質問はどうですか' }
        @{ Question = 'Как выдры согреваются в холодной воде?' }
        @{ Question = 'كيف تحافظ ثعالب الماء على دفئها؟' }
        @{ Question = '🦦 🌊' }
    ) {
        $hits = Find-RagContext $Question -Path $script:Index
        $hits.Count | Should -Be 4
    }

    It 'still returns vector results when no keyword matches' {
        $hits = Find-RagContext 'zzqx blorf wibblequux' -Path $script:Index
        $hits.Count | Should -Be 4
        $hits | ForEach-Object { $_.KeywordRank | Should -BeNullOrEmpty; $_.VectorRank | Should -Not -BeNullOrEmpty }
        Find-RagContext 'zzqx blorf wibblequux' -Path $script:Index -Mode Keyword | Should -BeNullOrEmpty
    }

    It 'applies -Source and -MinScore in every mode' {
        foreach ($mode in 'Hybrid', 'Keyword', 'Vector') {
            $hits = Find-RagContext 'water temperature' -Path $script:Index -Mode $mode -Source '*.txt'
            $hits | ForEach-Object { $_.Source | Should -BeLike '*.txt' }
            Find-RagContext 'water temperature' -Path $script:Index -Mode $mode -MinScore 1000 | Should -BeNullOrEmpty
        }
    }

    It 'keeps both halves in step through updates and pruning' {
        $folder = Join-Path $script:Work 'steps'
        New-Item -ItemType Directory $folder -Force | Out-Null
        $index = Join-Path $script:Work 'steps.ragidx'
        Set-Content (Join-Path $folder 'a.txt') 'The quokka smiles at tourists on Rottnest Island.'
        Set-Content (Join-Path $folder 'b.txt') 'The axolotl regrows its limbs.'
        Get-ChildItem $folder -File | New-RagIndex -Path $index | Out-Null
        Assert-KeywordIndexInStep $index

        Set-Content (Join-Path $folder 'b.txt') 'The pangolin rolls into an armoured ball.'
        Get-ChildItem $folder -File | New-RagIndex -Path $index | Out-Null
        Assert-KeywordIndexInStep $index
        Find-RagContext 'axolotl' -Path $index -Mode Keyword | Should -BeNullOrEmpty
        (Find-RagContext 'pangolin' -Path $index -Mode Keyword).Source | Should -BeLike '*b.txt'

        Remove-Item (Join-Path $folder 'a.txt')
        Get-ChildItem $folder -File | New-RagIndex -Path $index -Prune | Out-Null
        Assert-KeywordIndexInStep $index
        Find-RagContext 'quokka' -Path $index -Mode Keyword | Should -BeNullOrEmpty
        Invoke-Sql $index "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'pangolin'" | Should -Be 1
    }

    It 'stems with Porter by default, and not with -Stemming None' {
        $index = Join-Path $script:Work 'stem.ragidx'
        New-RagIndex -Path $index -Text 'The runners were running quickly.' -Source 's' | Out-Null
        (Find-RagContext 'run' -Path $index -Mode Keyword).Count | Should -Be 1
        $plain = Join-Path $script:Work 'nostem.ragidx'
        New-RagIndex -Path $plain -Text 'The runners were running quickly.' -Source 's' -Stemming None | Out-Null
        Find-RagContext 'run' -Path $plain -Mode Keyword | Should -BeNullOrEmpty
        # An update keeps the index's own stemming without being told.
        (New-RagIndex -Path $plain -Text 'More running.' -Source 't').Added | Should -Be 1
    }

    It 'gives an index from before hybrid retrieval its keyword half on the next update, with a message' {
        $old = Join-Path $script:Work 'old.ragidx'
        Copy-Item $script:Index $old -Recurse
        # Make it what an index built before this feature looked like.
        Invoke-Sql $old "DROP TRIGGER chunks_fts_insert; DROP TRIGGER chunks_fts_delete; DROP TABLE chunks_fts; UPDATE meta SET value = '1' WHERE key = 'schema_version'; DELETE FROM meta WHERE key = 'keyword_stemming';" | Out-Null

        $hits = Find-RagContext 'otters' -Path $old -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match 'no keyword index'
        $hits[0].Mode | Should -Be 'Vector'
        { Find-RagContext 'otters' -Path $old -Mode Keyword -ErrorAction Stop } | Should -Throw -ErrorId 'FindRagContextNoKeywordIndex*'

        New-RagIndex -Path $old -WarningVariable w2 -WarningAction SilentlyContinue | Out-Null
        "$w2" | Should -Match 'keyword index was added'
        Assert-KeywordIndexInStep $old
        (Find-RagContext 'ERR_CONN_4521' -Path $old -Mode Keyword -Top 1).Source | Should -BeLike '*errors.md'
        (Find-RagContext 'otters' -Path $old)[0].Mode | Should -Be 'Hybrid'
    }
}
