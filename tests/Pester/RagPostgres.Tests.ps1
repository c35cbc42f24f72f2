# New-RagIndex and Find-RagContext on PostgreSQL + pgvector, against a real throwaway cluster: the same cmdlets and
# objects as a folder index, standbys, secrets kept out of output, a writer killed mid-ingest.
# Skipped, saying why, where PostgreSQL 15 with pgvector cannot be had; under CI=true they run and fail instead.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'PgCluster.psm1') -Force
    $pg = Get-PgAvailability
    $script:SkipPg = -not $pg.Available -and $env:CI -ne 'true'
    if ($script:SkipPg) { Write-Host "Skipping the PostgreSQL index tests: $($pg.Reason)" -ForegroundColor Yellow }
}

Describe 'A RAG index in PostgreSQL' -Skip:$script:SkipPg {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'PgCluster.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot 'RagTestData.psm1') -Force
        Import-Module $env:MIXTRALPS_TEST_MODULE -Force
        Remove-Item Env:MIXTRAL_EMBED_MODEL, Env:MIXTRALPS_RAG_CONNECTION -ErrorAction SilentlyContinue
        $script:Primary = Start-PgTestCluster
        # As a DBA would: the test role may not create the (untrusted) extension itself.
        Invoke-PgSql $script:Primary -Superuser 'CREATE EXTENSION IF NOT EXISTS vector' | Out-Null
        $script:Cs = $script:Primary.ConnectionString
        $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-pgrag-$([guid]::NewGuid().ToString('N'))"
        $script:Corpus = New-RagSampleCorpus -Folder (Join-Path $script:Work 'corpus')
        $script:Folder = Join-Path $script:Work 'corpus.ragidx'
        $script:Files = Get-ChildItem $script:Corpus -File | Where-Object Name -notin 'image.png', 'damaged.pdf'
        $script:Files | New-RagIndex -Path $script:Folder | Out-Null
    }

    AfterAll {
        if ($script:Primary) { Stop-PgTestCluster $script:Primary }
        Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'indexes piped files and answers in every mode with the objects a folder index gives' {
        $summary = Get-ChildItem $script:Corpus -File | New-RagIndex -ConnectionString $script:Cs -Name docs -WarningAction SilentlyContinue
        $summary.Added | Should -Be $script:Files.Count
        $summary.Failed | Should -Be 2
        $summary.Path | Should -BeLike "postgresql://127.0.0.1:*/mixtral_test index 'docs'"
        $summary.Documents | Should -Be $script:Files.Count

        foreach ($mode in 'Vector', 'Keyword', 'Hybrid') {
            $fromDb = Find-RagContext 'How do otters open shellfish?' -ConnectionString $script:Cs -Name docs -Mode $mode -Top 3
            $fromFolder = Find-RagContext 'How do otters open shellfish?' -Path $script:Folder -Mode $mode -Top 3
            $fromDb[0].Source | Should -BeLike '*otters.md'
            $fromDb[0].PSObject.TypeNames[0] | Should -Be 'MixtralPS.Core.Rag.RagContextChunk'
            ($fromDb | ForEach-Object { "$($_.Source)#$($_.Ordinal)#$($_.Start)#$($_.Length)" }) |
                Should -Be ($fromFolder | ForEach-Object { "$($_.Source)#$($_.Ordinal)#$($_.Start)#$($_.Length)" }) -Because "$mode results match the folder index's"
        }

        Find-RagContext 'Titan' -ConnectionString $script:Cs -Name docs -Source '*.html' -Mode Keyword | ForEach-Object Source | Should -BeLike '*titan.html'
        Find-RagContext 'sourdough starter' -ConnectionString $script:Cs -Name docs -AsPrompt | Should -Match 'wild yeast'
    }

    It 'takes the connection from MIXTRALPS_RAG_CONNECTION and the name default' {
        $env:MIXTRALPS_RAG_CONNECTION = $script:Cs
        try {
            New-RagIndex -Text 'Basalt columns form as lava cools and cracks.' -Source 'note:basalt' -Name default | ForEach-Object Added | Should -Be 1
            (Find-RagContext 'lava cools' -Name default -Mode Keyword)[0].Source | Should -Be 'note:basalt'
            Invoke-PgSql $script:Primary "SELECT count(*) FROM mixtralps_default.documents" | Should -Be '1'
        }
        finally { Remove-Item Env:MIXTRALPS_RAG_CONNECTION }
        # -ConnectionString without -Name means the index named default.
        (Find-RagContext 'basalt' -ConnectionString $script:Cs -Mode Keyword)[0].Source | Should -Be 'note:basalt'
    }

    It 'skips what has not changed, replaces what has, prunes what is gone, and writes nothing under -WhatIf' {
        $docs = Join-Path $script:Work 'incremental'
        New-Item -ItemType Directory $docs -Force | Out-Null
        Set-Content (Join-Path $docs 'a.txt') 'Alpacas hum when they are curious.'
        Set-Content (Join-Path $docs 'b.txt') 'Barnacles glue themselves head first to rocks.'
        (Get-ChildItem $docs -File | New-RagIndex -ConnectionString $script:Cs -Name incremental).Added | Should -Be 2

        Set-Content (Join-Path $docs 'b.txt') 'Barnacles have the longest penis relative to body size of any animal.'
        Remove-Item (Join-Path $docs 'a.txt')
        Set-Content (Join-Path $docs 'c.txt') 'Cuttlefish change colour in milliseconds.'
        $preview = Get-ChildItem $docs -File | New-RagIndex -ConnectionString $script:Cs -Name incremental -Prune -WhatIf
        Invoke-PgSql $script:Primary "SELECT string_agg(content_hash, ',') FROM mixtralps_incremental.documents WHERE source LIKE '%c.txt'" | Should -BeNullOrEmpty

        $summary = Get-ChildItem $docs -File | New-RagIndex -ConnectionString $script:Cs -Name incremental -Prune
        ($summary.Added, $summary.Updated, $summary.Removed, $summary.Documents) | Should -Be @(1, 1, 1, 2)
        (Get-ChildItem $docs -File | New-RagIndex -ConnectionString $script:Cs -Name incremental).Skipped | Should -Be 2
        Find-RagContext 'alpacas' -ConnectionString $script:Cs -Name incremental -Mode Keyword | Should -BeNullOrEmpty
    }

    It 'never shows the password: not in the summary, verbose text or error records' {
        $secret = $script:Primary.Password
        $output = New-RagIndex -Text 'Quokkas smile.' -Source 'q' -ConnectionString $script:Cs -Name secrets -Verbose 4>&1 | Out-String
        $output += Find-RagContext 'quokka' -ConnectionString $script:Cs -Name secrets -Verbose 4>&1 | Out-String
        $wrong = $script:Cs -replace 'Password=[^;]+', 'Password=wrong-secret-0815'
        $errors = @()
        try { New-RagIndex -Text 'x' -Source 'x' -ConnectionString $wrong -Name secrets -ErrorAction Stop } catch { $errors += $_ }
        try { Find-RagContext 'x' -ConnectionString $wrong -Name secrets -ErrorAction Stop } catch { $errors += $_ }
        $errors.Count | Should -Be 2
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'NewRagIndexIndexAccessDenied*'
        $errors[1].FullyQualifiedErrorId | Should -BeLike 'FindRagContextIndexAccessDenied*'
        $output += $errors | ForEach-Object { $_ | Format-List * -Force | Out-String; $_.Exception.ToString() }
        $output | Should -Not -Match ([regex]::Escape($secret))
        $output | Should -Not -Match 'wrong-secret-0815'
        $output | Should -Match "index 'secrets'"
    }

    It 'refuses a bad index name and a missing index with named errors' {
        { New-RagIndex -Text 'x' -Source 'x' -ConnectionString $script:Cs -Name 'docs; DROP SCHEMA public' -ErrorAction Stop } |
            Should -Throw -ErrorId 'NewRagIndexInvalidIndexName*'
        { Find-RagContext 'x' -ConnectionString $script:Cs -Name nosuchindex -ErrorAction Stop } | Should -Throw -ErrorId 'FindRagContextIndexNotFound*'
        { Find-RagContext 'x' -Name docs -ErrorAction Stop } | Should -Throw -ErrorId 'FindRagContextNoIndex*'
    }

    It 'serves queries from a hot standby and refuses to write there' {
        $standby = New-PgStandby -Primary $script:Primary
        try {
            Wait-PgReplay -Standby $standby -Primary $script:Primary
            (Find-RagContext 'Everest boiling water' -ConnectionString $standby.ConnectionString -Name docs -Top 1).Source | Should -BeLike '*everest.docx'
            { New-RagIndex -Text 'x' -Source 'x' -ConnectionString $standby.ConnectionString -Name docs -ErrorAction Stop } |
                Should -Throw -ErrorId 'NewRagIndexIndexReadOnly*'
            $multi = "Host=127.0.0.1:$($standby.Port),127.0.0.1:$($script:Primary.Port);Database=$($standby.Database);Username=$($standby.User);Password=$($standby.Password);Target Session Attributes=prefer-standby;Load Balance Hosts=true"
            (Find-RagContext 'Jupiter year' -ConnectionString $multi -Name docs -Top 1).Source | Should -BeLike '*jupiter.pdf'
            # Writes through the multi-host string go to the primary.
            (New-RagIndex -Text 'Io has active volcanoes.' -Source 'note:io' -ConnectionString $multi -Name docs).Added | Should -Be 1
        }
        finally { Stop-PgTestCluster $standby }
    }

    It 'keeps every document wholly old or wholly new when a writer is killed mid-ingest, and a rerun completes' {
        $docs = Join-Path $script:Work 'killed'
        New-Item -ItemType Directory $docs -Force | Out-Null
        $words = 'river', 'stone', 'lantern', 'harbour', 'meadow', 'copper', 'falcon', 'willow'
        function Set-Version([int] $Version) {
            foreach ($n in 1..24) {
                $text = (1..(3 + ($n + $Version) % 5) | ForEach-Object { "Version $Version paragraph $_ of document ${n}: the $($words[($n + $_) % 8]) and the $($words[($n * $_ + $Version) % 8])." }) -join "`n`n"
                [IO.File]::WriteAllText((Join-Path $docs "doc$n.txt"), $text)
            }
        }
        $writer = "Import-Module '$env:MIXTRALPS_TEST_MODULE'; Get-ChildItem '$docs' -File | New-RagIndex -ConnectionString '$script:Cs' -Name killed -ChunkSize 120 -ChunkOverlap 10 | Out-Null"
        Set-Version 0
        $first = Start-ChildPwsh -Script $writer
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $first.WaitForExit()
        $full = $clock.Elapsed.TotalMilliseconds
        $first.ExitCode | Should -Be 0

        foreach ($i in 1..6) {
            Set-Version ($i % 2)
            $process = Start-ChildPwsh -Script $writer
            if (-not $process.WaitForExit([int]($full * $i / 7))) { $process.Kill($true) }
            $process.WaitForExit()
            # Each document's rows agree with its chunk count, each chunk is one version's text, the statistics match.
            Invoke-PgSql $script:Primary @'
SELECT count(*) FROM mixtralps_killed.documents d
WHERE d.chunk_count <> (SELECT count(*) FROM mixtralps_killed.chunks c WHERE c.document_id = d.id)
   OR (SELECT count(DISTINCT (regexp_match(c.text, 'Version ([01])'))[1]) FROM mixtralps_killed.chunks c WHERE c.document_id = d.id) > 1
'@ | Should -Be '0'
            Invoke-PgSql $script:Primary 'SELECT (SELECT chunks FROM mixtralps_killed.stats) = (SELECT count(*) FROM mixtralps_killed.chunks) AND (SELECT terms FROM mixtralps_killed.stats) = (SELECT coalesce(sum(term_count), 0) FROM mixtralps_killed.chunks)' | Should -Be 't'
            Invoke-PgSql $script:Primary 'SELECT count(*) FROM mixtralps_killed.postings p LEFT JOIN mixtralps_killed.chunks c ON c.id = p.chunk_id WHERE c.id IS NULL' | Should -Be '0'
        }

        Set-Version 1
        $last = Start-ChildPwsh -Script $writer
        $last.WaitForExit()
        $last.ExitCode | Should -Be 0
        Invoke-PgSql $script:Primary "SELECT count(*) FROM mixtralps_killed.chunks WHERE text LIKE '%Version 0%'" | Should -Be '0'
        Invoke-PgSql $script:Primary 'SELECT count(*) FROM mixtralps_killed.documents' | Should -Be '24'
        (Find-RagContext 'falcon' -ConnectionString $script:Cs -Name killed -Top 3).Count | Should -Be 3
    }
}
