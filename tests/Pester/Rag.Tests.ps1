BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'RagTestData.psm1') -Force
    $script:Url = Get-TestServerUrl
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_EMBED_MODEL -ErrorAction SilentlyContinue
    $env:MISTRAL_ENDPOINT = $script:Url
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'

    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-rag-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    $script:Docs = New-RagSampleCorpus -Folder (Join-Path $script:Work 'docs')
}

AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Retrieval index' {
    Describe 'New-RagIndex' {
        BeforeEach {
            $script:Index = Join-Path $script:Work "idx-$([guid]::NewGuid().ToString('N')).ragidx"
        }

        It 'indexes files piped from Get-ChildItem, every format, and reports a summary' {
            $summary = Get-ChildItem $script:Docs -File | New-RagIndex -Path $script:Index -WarningVariable w -WarningAction SilentlyContinue
            $summary.Added | Should -Be 6
            $summary.Failed | Should -Be 2           # the binary file and the damaged PDF
            $summary.Documents | Should -Be 6
            $summary.Chunks | Should -BeGreaterOrEqual 6
            $summary.Model | Should -Be 'all-MiniLM-L6-v2'
            ($w -join "`n") | Should -Match 'image\.png'
            ($w -join "`n") | Should -Match 'damaged\.pdf'
            Test-Path (Join-Path $script:Index 'index.db') | Should -BeTrue
        }

        It 'cuts Markdown at its headings and gives each chunk its heading path' {
            Get-ChildItem $script:Docs -File | New-RagIndex -Path $script:Index -WarningAction SilentlyContinue | Out-Null
            $hit = Find-RagContext 'What do otters crack shellfish with?' -Path $script:Index -Top 1
            $hit.Source | Should -BeLike '*otters.md'
            $hit.Heading | Should -Be 'Sea otters > Tools'
            (Find-RagContext 'Titan methane lakes' -Path $script:Index -Top 1).Heading | Should -Be "Titan > Titan, Saturn's largest moon"
            (Find-RagContext 'sourdough starter' -Path $script:Index -Top 1).Heading | Should -BeNullOrEmpty
        }

        It 're-embeds only the changed chunks of an edited file and says how many it reused' {
            $file = Join-Path $script:Work "edited-$([guid]::NewGuid().ToString('N')).txt"
            $paragraphs = 1..30 | ForEach-Object { "Paragraph $_ is about the weather station number $_, which logs the wind every $($_ * 3) minutes." }
            Set-Content $file ($paragraphs -join "`n`n")
            $first = New-RagIndex -Path $script:Index -InputObject (Get-Item $file)
            $first.ChunksEmbedded | Should -Be $first.ChunksWritten
            $first.ChunksReused | Should -Be 0

            # An edit within a paragraph: the chunks that hold it change, the others keep their text and their vectors.
            $paragraphs[14] = 'Paragraph 15 is about the weather station on the hill, which logs the rain every 45 minutes.'
            Set-Content $file ($paragraphs -join "`n`n")
            $second = New-RagIndex -Path $script:Index -InputObject (Get-Item $file)
            $second.Updated | Should -Be 1
            $second.ChunksReused | Should -BeGreaterThan 0
            $second.ChunksEmbedded | Should -BeIn 1, 2
            ($second.ChunksEmbedded + $second.ChunksReused) | Should -Be $second.ChunksWritten
            (Find-RagContext 'station on the hill' -Path $script:Index -Mode Keyword -Top 1).Text | Should -Match 'hill'
        }

        It 'finds each format''s text: <Name>' -ForEach @(
            @{ Name = 'markdown'; Query = 'How do otters keep warm in cold water?'; File = 'otters.md' }
            @{ Name = 'plain text'; Query = 'What temperature should sourdough proof at?'; File = 'sourdough.txt' }
            @{ Name = 'html, without its script'; Query = 'Which moon of Saturn has lakes of methane?'; File = 'titan.html' }
            @{ Name = 'pdf'; Query = 'How long does a Jupiter year last?'; File = 'jupiter.pdf' }
            @{ Name = 'docx'; Query = 'What is the boiling point of water on Everest?'; File = 'everest.docx' }
            @{ Name = 'legacy code page'; Query = 'Où se trouve le café préféré de René?'; File = 'cafe-1252.txt' }
        ) {
            if (-not (Test-Path (Join-Path $script:Work 'shared.ragidx'))) {
                Get-ChildItem $script:Docs -File | New-RagIndex -Path (Join-Path $script:Work 'shared.ragidx') -WarningAction SilentlyContinue | Out-Null
            }
            $hit = Find-RagContext $Query -Path (Join-Path $script:Work 'shared.ragidx') -Top 1
            Split-Path $hit.Source -Leaf | Should -Be $File
            $hit.Rank | Should -Be 1
            $hit.Text | Should -Not -Match 'document\.write|color:'
        }

        It 'takes path strings with wildcards' {
            $summary = New-RagIndex -Path $script:Index -InputObject (Join-Path $script:Docs '*.md')
            $summary.Added | Should -Be 1
            (Join-Path $script:Docs 's*.txt') | New-RagIndex -Path $script:Index | ForEach-Object Added | Should -Be 1
        }

        It 'takes objects with Text and Source, and -Text with -Source' {
            $items = @(
                [pscustomobject]@{ Source = 'note:1'; Text = 'Penguins huddle together to survive Antarctic winters.' }
                [pscustomobject]@{ Name = 'note:2'; Content = 'Camels store fat, not water, in their humps.' }
            )
            ($items | New-RagIndex -Path $script:Index).Added | Should -Be 2
            (New-RagIndex -Path $script:Index -Text 'Owls can rotate their heads 270 degrees.' -Source 'note:3').Added | Should -Be 1
            (Find-RagContext 'Where do camels keep fat?' -Path $script:Index -Top 1).Source | Should -Be 'note:2'
        }

        It 'reports an object without text and goes on' {
            $items = @([pscustomobject]@{ Foo = 1 }, [pscustomobject]@{ Source = 's'; Text = 'Some real text here.' })
            $summary = $items | New-RagIndex -Path $script:Index -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'NewRagIndexInvalidInput*'
            $summary.Added | Should -Be 1
        }

        It 'skips unchanged documents, replaces changed ones and prunes missing ones' {
            $folder = Join-Path $script:Work "inc-$([guid]::NewGuid().ToString('N'))"
            New-Item -ItemType Directory $folder | Out-Null
            Set-Content (Join-Path $folder 'a.txt') 'Alpacas hum to communicate with their herd.'
            Set-Content (Join-Path $folder 'b.txt') 'Bees dance to tell the hive where flowers are.'
            Set-Content (Join-Path $folder 'c.txt') 'Crows remember the faces of people who wronged them.'
            (Get-ChildItem $folder -File | New-RagIndex -Path $script:Index).Added | Should -Be 3

            $again = Get-ChildItem $folder -File | New-RagIndex -Path $script:Index
            $again.Skipped | Should -Be 3
            $again.Added + $again.Updated | Should -Be 0

            Set-Content (Join-Path $folder 'b.txt') 'Bats navigate in darkness by echolocation.'
            $changed = Get-ChildItem $folder -File | New-RagIndex -Path $script:Index
            $changed.Updated | Should -Be 1
            $changed.Skipped | Should -Be 2
            (Find-RagContext 'How do bats navigate?' -Path $script:Index -Top 1).Text | Should -Match 'echolocation'
            Find-RagContext 'bees dance' -Path $script:Index -Top 3 | Where-Object Text -Match 'hive' | Should -BeNullOrEmpty

            Remove-Item (Join-Path $folder 'c.txt')
            $pruned = Get-ChildItem $folder -File | New-RagIndex -Path $script:Index -Prune
            $pruned.Removed | Should -Be 1
            $pruned.Documents | Should -Be 2
        }

        It 'changes nothing with -WhatIf' {
            Get-ChildItem $script:Docs -Filter '*.md' | New-RagIndex -Path $script:Index -WhatIf | Out-Null
            Test-Path $script:Index | Should -BeFalse

            Get-ChildItem $script:Docs -Filter '*.md' | New-RagIndex -Path $script:Index | Out-Null
            # write.lock is the lock's own bookkeeping (who held it), not index content.
            $before = Get-ChildItem $script:Index -Exclude 'write.lock' | Sort-Object Name | ForEach-Object { "$($_.Name):$($_.Length):$($_.LastWriteTimeUtc.Ticks)" }
            $r = Get-ChildItem $script:Docs -Filter '*.txt' | New-RagIndex -Path $script:Index -WhatIf
            $r.Added | Should -Be 0
            $after = Get-ChildItem $script:Index -Exclude 'write.lock' | Sort-Object Name | ForEach-Object { "$($_.Name):$($_.Length):$($_.LastWriteTimeUtc.Ticks)" }
            $after | Should -Be $before
        }

        It 'refuses another embedding model for an existing index, and rebuilds with -Force' {
            New-RagIndex -Path $script:Index -Text 'x y z words' -Source 's1' | Out-Null
            { New-RagIndex -Path $script:Index -Text 'more words' -Source 's2' -Model snowflake-arctic-embed-xs -ErrorAction Stop } |
                Should -Throw -ErrorId 'NewRagIndexIndexModelMismatch*'
            $rebuilt = New-RagIndex -Path $script:Index -Text 'more words' -Source 's2' -Model snowflake-arctic-embed-xs -Force
            $rebuilt.Model | Should -Be 'snowflake-arctic-embed-xs'
            $rebuilt.Documents | Should -Be 1
        }

        It 'waits for the writer lock, then fails naming it' {
            New-RagIndex -Path $script:Index -Text 'locked words' -Source 's' | Out-Null
            $lock = [IO.File]::Open((Join-Path $script:Index 'write.lock'), 'OpenOrCreate', 'ReadWrite', 'None')
            try {
                $err = $null
                try { New-RagIndex -Path $script:Index -Text 'other' -Source 't' -TimeoutSec 1 -ErrorAction Stop } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -BeLike 'NewRagIndexIndexLocked*'
                $err.ToString() | Should -Match 'write\.lock'
            }
            finally { $lock.Dispose() }
            (New-RagIndex -Path $script:Index -Text 'other' -Source 't').Added | Should -Be 1
        }

        It 'chunks with -Chunker Fixed as the tutorial did' {
            $text = -join (1..1200 | ForEach-Object { [char](97 + $_ % 26) })
            $summary = New-RagIndex -Path $script:Index -Text $text -Source 'fixed' -Chunker Fixed -ChunkSize 512
            $summary.Chunks | Should -Be 3
        }
    }

    Describe 'Find-RagContext' {
        BeforeAll {
            $script:Shared = Join-Path $script:Work 'find.ragidx'
            Get-ChildItem $script:Docs -File | New-RagIndex -Path $script:Shared -WarningAction SilentlyContinue | Out-Null
        }

        It 'returns ranked chunks with score, source and offsets' {
            $hits = Find-RagContext 'otters fur air' -Path $script:Shared
            $hits.Count | Should -Be 4
            # ForEach-Object: an array's own Rank property would hide the items' Rank
            ($hits | ForEach-Object Rank) | Should -Be @(1, 2, 3, 4)
            $hits[0].Score | Should -BeGreaterThan $hits[3].Score
            $hits[0].Length | Should -Be $hits[0].Text.Length
            $source = Get-Content -Raw $hits[0].Source
            $source.Substring($hits[0].Start, $hits[0].Length) | Should -Be $hits[0].Text
        }

        It 'honours -Top, -MinScore and -Source' {
            (Find-RagContext 'water' -Path $script:Shared -Top 2).Count | Should -Be 2
            Find-RagContext 'otters' -Path $script:Shared -MinScore 0.99 | Should -BeNullOrEmpty
            $only = Find-RagContext 'water' -Path $script:Shared -Source '*.txt'
            $only.Source | ForEach-Object { $_ | Should -BeLike '*.txt' }
        }

        It 'takes queries from the pipeline' {
            $hits = 'otters', 'sourdough' | Find-RagContext -Path $script:Shared -Top 1
            $hits.Query | Should -Be @('otters', 'sourdough')
        }

        It 'returns the tutorial''s prompt with -AsPrompt' {
            $prompt = Find-RagContext 'How do otters keep warm?' -Path $script:Shared -Top 2 -AsPrompt
            $prompt | Should -BeOfType [string]
            $prompt | Should -Match '^Context information is below\.'
            $prompt | Should -Match 'Query: How do otters keep warm\?\s+Answer:$'
        }

        It 'names a missing index' {
            { Find-RagContext 'x' -Path (Join-Path $script:Work 'nope.ragidx') -ErrorAction Stop } | Should -Throw -ErrorId 'FindRagContextIndexNotFound*'
        }

        It 'names a damaged database file and what is wrong' {
            $bad = Join-Path $script:Work 'bad.ragidx'
            New-Item -ItemType Directory $bad -Force | Out-Null
            Set-Content (Join-Path $bad 'index.db') ('garbage' * 500)
            $err = $null
            try { Find-RagContext 'x' -Path $bad -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'FindRagContextIndexDamaged*'
            $err.ToString() | Should -Match 'index\.db'
            $err.ToString() | Should -Match 'not a database'
        }

        It 'names a foreign SQLite file' {
            $foreign = Join-Path $script:Work 'foreign.ragidx'
            New-Item -ItemType Directory $foreign -Force | Out-Null
            $c = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$(Join-Path $foreign 'index.db');Pooling=False")
            $c.Open(); $cmd = $c.CreateCommand(); $cmd.CommandText = 'CREATE TABLE t(x)'; $null = $cmd.ExecuteNonQuery(); $c.Dispose()
            { Find-RagContext 'x' -Path $foreign -ErrorAction Stop } | Should -Throw -ErrorId 'FindRagContextIndexForeign*'
        }

        It 'still answers, exactly, when the vector graph is missing' {
            $copy = Join-Path $script:Work "nograph-$([guid]::NewGuid().ToString('N')).ragidx"
            Copy-Item $script:Shared $copy -Recurse
            $expected = Find-RagContext 'otters' -Path $copy -Top 3
            Get-ChildItem $copy -Filter 'vectors.*' | Remove-Item
            $copy2 = "$copy-2"; Copy-Item $copy $copy2 -Recurse   # a fresh path: no cached reader
            (Find-RagContext 'otters' -Path $copy2 -Top 3).ChunkId | Should -Be $expected.ChunkId
        }

        It 'completes index paths to *.ragidx folders' {
            Push-Location $script:Work
            try {
                $line = 'Find-RagContext x -Path fin'
                (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'find.ragidx'
            }
            finally { Pop-Location }
        }
    }

    Describe 'Grounded answers' {
        BeforeAll {
            $script:Shared = Join-Path $script:Work 'find.ragidx'
            if (-not (Test-Path $script:Shared)) {
                Get-ChildItem $script:Docs -File | New-RagIndex -Path $script:Shared -WarningAction SilentlyContinue | Out-Null
            }
        }

        BeforeEach { Reset-TestServer }
        AfterEach { Assert-NoSchemaViolation }

        It 'sends the question with numbered sources and returns the answer with them' {
            $q = 'How do otters keep warm in cold water?'
            Add-TestReply @{ content = 'Their dense fur traps air [1].' }
            $answer = Find-RagContext -Query $q -Path $script:Shared -Top 3 | Invoke-MixtralChat -Message $q
            $answer.Content | Should -Be 'Their dense fur traps air [1].'
            $answer.Sources.Count | Should -BeGreaterOrEqual 1
            Split-Path $answer.Sources[0] -Leaf | Should -Be 'otters.md'
            $body = (Get-TestRequest)[-1].body | ConvertFrom-Json
            $sent = $body.messages[-1].content
            $sent | Should -Match '\[1\] \(.*otters\.md\)'
            $sent | Should -Match ([regex]::Escape("Question: $q"))
            @(Get-TestRequest).Count | Should -Be 1
        }

        It 'uses the query of the chunks when no -Message is given' {
            Find-RagContext -Query 'sourdough proofing' -Path $script:Shared -Top 1 | Invoke-MixtralChat | Out-Null
            ((Get-TestRequest)[-1].body | ConvertFrom-Json).messages[-1].content | Should -Match 'Question: sourdough proofing'
        }
    }
}
