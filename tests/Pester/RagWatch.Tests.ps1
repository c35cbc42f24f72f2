# New-RagIndex -Watch: the index follows folders while readers query it, and Ctrl+C leaves it whole.
# The watcher runs in a runspace of this process ([powershell]::Create(), BeginInvoke, Stop as Ctrl+C does);
# every check waits for a condition with a generous timeout, never for a fixed time.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'PgCluster.psm1') -Force
    $pg = Get-PgAvailability
    $script:SkipPg = -not $pg.Available -and $env:CI -ne 'true'
    if ($script:SkipPg) { Write-Host "Skipping -Watch on PostgreSQL: $($pg.Reason)" -ForegroundColor Yellow }
}

BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    Remove-Item Env:MIXTRAL_EMBED_MODEL, Env:MISTRAL_API_KEY, Env:MIXTRALPS_RAG_CONNECTION -ErrorAction SilentlyContinue

    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-watch-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    # Loads the module's SQLite into this process for the checks below.
    New-RagIndex -Path (Join-Path $script:Work 'warm.ragidx') -Text 'warm up' -Source 'warm' | Out-Null

    function Write-Doc([string] $Path, [string] $Text) {
        New-Item -ItemType Directory -Force -Path (Split-Path $Path) | Out-Null
        [IO.File]::WriteAllText($Path, $Text)
        (Get-Item $Path).FullName
    }

    # Starts New-RagIndex -Watch in a runspace of its own; Stop() on it is what Ctrl+C does.
    function Start-Watch([string] $Index, [string[]] $Folders, [string] $Extra = '') {
        $ps = [powershell]::Create()
        $folderList = ($Folders | ForEach-Object { "'$_'" }) -join ', '
        $null = $ps.AddScript("Import-Module '$env:MIXTRALPS_TEST_MODULE'; New-RagIndex -Path '$Index' -Watch $folderList -ChunkSize 200 -ChunkOverlap 20 $Extra")
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        $handle = $ps.BeginInvoke([Management.Automation.PSDataCollection[psobject]]::new(), $output)
        [pscustomobject]@{ PowerShell = $ps; Output = $output; Handle = $handle }
    }

    # What a stream of a running pipeline holds so far: enumerating the open collection itself would block until it ends.
    function Get-Collected($Collection) {
        for ($i = 0; $i -lt $Collection.Count; $i++) { $Collection[$i] }
    }

    function Stop-Watch($Watch) {
        $Watch.PowerShell.Stop()
        $Watch.PowerShell.Dispose()
    }

    function Wait-Until([scriptblock] $Condition, [string] $Because, [int] $TimeoutSec = 120, $Watch) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not (& $Condition)) {
            if ($Watch -and $Watch.Handle.IsCompleted) {
                throw "The watch ended before $Because`: $(Get-Collected $Watch.PowerShell.Streams.Error | Out-String)"
            }
            if ($clock.Elapsed.TotalSeconds -gt $TimeoutSec) { throw "Timed out after $TimeoutSec s waiting until $Because." }
            Start-Sleep -Milliseconds 200
        }
    }

    # What the index holds, read as another reader would: its documents' sources.
    function Get-IndexedSources([string] $Index) {
        $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$(Join-Path $Index 'index.db');Mode=ReadOnly;Pooling=False")
        $connection.Open()
        try {
            $command = $connection.CreateCommand()
            $command.CommandText = 'SELECT source FROM documents ORDER BY source'
            $reader = $command.ExecuteReader()
            @(while ($reader.Read()) { $reader.GetString(0) })
            $reader.Dispose()
        }
        finally { $connection.Dispose() }
    }

    # The sources a keyword query finds (through the reader Find-RagContext uses, keyword index included).
    function Find-Source([string] $Index, [string] $Word) {
        @(Find-RagContext -Path $Index -Query $Word -Mode Keyword -Top 5 | ForEach-Object Source)
    }
}

AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'New-RagIndex -Watch' {
    BeforeAll {
        $script:Docs = Join-Path $script:Work 'docs'
        $script:Notes = Join-Path $script:Work 'notes'
        $script:Index = Join-Path $script:Work 'watched.ragidx'
        $gone = Write-Doc (Join-Path $script:Docs 'gone.md') 'A note about the pelican that was deleted while nobody watched.'
        Get-Item $gone | New-RagIndex -Path $script:Index -ChunkSize 200 -ChunkOverlap 20 | Out-Null
        Remove-Item $gone
        $script:A = Write-Doc (Join-Path $script:Docs 'a.md') 'The heron waits in the shallows for fish.'
        $script:B = Write-Doc (Join-Path $script:Notes 'sub/b.txt') 'Kingfishers dive from a perch above the stream.'
        Write-Doc (Join-Path $script:Docs '.cache/hidden.md') 'A hidden albatross.' | Out-Null
        Write-Doc (Join-Path $script:Docs 'draft.md~') 'A scratch cormorant.' | Out-Null
        $script:Watch = Start-Watch $script:Index $script:Docs, $script:Notes
    }

    AfterAll {
        if ($script:Watch) { Stop-Watch $script:Watch }
    }

    AfterEach {
        Get-Collected $script:Watch.PowerShell.Streams.Error | Should -BeNullOrEmpty
        Get-Collected $script:Watch.Output | Where-Object Failed -gt 0 | Should -BeNullOrEmpty
    }

    It 'indexes the folders recursively first, without hidden or scratch files, and removes what is gone' {
        Wait-Until { $script:Watch.Output.Count -ge 1 } 'the first pass is summarised' -Watch $script:Watch
        $first = $script:Watch.Output[0]
        $first.PSObject.TypeNames[0] | Should -Be 'MixtralPS.Core.Rag.RagIndexSummary'
        $first.Added | Should -Be 2
        $first.Removed | Should -Be 1
        $first.Documents | Should -Be 2
        Get-IndexedSources $script:Index | Should -Be (@($script:A, $script:B) | Sort-Object)
        Find-Source $script:Index 'heron' | Should -Be $script:A
    }

    It 'indexes a new file' {
        $script:C = Write-Doc (Join-Path $script:Docs 'deep/er/c.md') 'An osprey carries a trout to its nest.'
        Wait-Until { (Find-Source $script:Index 'osprey') -contains $script:C } 'the new file is found' -Watch $script:Watch
    }

    It 're-indexes a changed file and forgets its old text' {
        [IO.File]::WriteAllText($script:C, 'A puffin carries sand eels to its burrow.')
        Wait-Until { (Find-Source $script:Index 'puffin') -contains $script:C } 'the new text is found' -Watch $script:Watch
        Find-Source $script:Index 'osprey' | Should -BeNullOrEmpty
        (Get-IndexedSources $script:Index | Where-Object { $_ -eq $script:C }).Count | Should -Be 1
    }

    It 'follows a file renamed, and moved to the other watched folder' {
        $renamed = Join-Path $script:Notes 'puffins.md'
        Move-Item $script:C $renamed
        Wait-Until { (Get-IndexedSources $script:Index) -contains $renamed -and (Get-IndexedSources $script:Index) -notcontains $script:C } 'the rename is followed' -Watch $script:Watch
        Find-Source $script:Index 'puffin' | Should -Be $renamed
        $script:C = $renamed
    }

    It 'follows a folder renamed' {
        Move-Item (Join-Path $script:Notes 'sub') (Join-Path $script:Notes 'moved')
        $moved = Join-Path $script:Notes 'moved/b.txt'
        Wait-Until { (Get-IndexedSources $script:Index) -contains $moved -and (Get-IndexedSources $script:Index) -notcontains $script:B } 'the folder rename is followed' -Watch $script:Watch
        $script:B = $moved
    }

    It 'removes a deleted file' {
        Remove-Item $script:C
        Wait-Until { (Get-IndexedSources $script:Index) -notcontains $script:C } 'the deleted file is gone from the index' -Watch $script:Watch
        Find-Source $script:Index 'puffin' | Should -BeNullOrEmpty
    }

    It 'takes a burst of 100 files, then their folder deleted' {
        $burst = Join-Path $script:Docs 'burst'
        $written = foreach ($n in 1..100) { Write-Doc (Join-Path $burst "$($n % 4)/note$n.md") "Burst note ${n}: the swift number $n circles the tower." }
        Wait-Until { @(Get-IndexedSources $script:Index | Where-Object { $_ -like "$burst*" }).Count -eq 100 } 'all 100 files are indexed' -Watch $script:Watch
        Get-IndexedSources $script:Index | Where-Object { $_ -like "$burst*" } | Sort-Object | Should -Be ($written | Sort-Object)
        Wait-Until { (Get-Collected $script:Watch.Output | Select-Object -Last 1).Documents -eq 102 } 'the update is summarised' -Watch $script:Watch
        (Get-Collected $script:Watch.Output | Select-Object -Skip 1 | Measure-Object Added -Sum).Sum | Should -BeGreaterOrEqual 101

        Remove-Item $burst -Recurse
        Wait-Until { @(Get-IndexedSources $script:Index | Where-Object { $_ -like "$burst*" }).Count -eq 0 } 'the deleted folder is gone from the index' -Watch $script:Watch
        Get-IndexedSources $script:Index | Should -Be (@($script:A, $script:B) | Sort-Object)
        Find-RagContext -Path $script:Index -Query 'Where does the heron wait?' -Top 1 | ForEach-Object Source | Should -Be $script:A
    }

    It 'writes a summary per update that changed something, and none for a save that changed nothing' {
        $count = $script:Watch.Output.Count
        (Get-Item $script:A).LastWriteTime = Get-Date
        [IO.File]::WriteAllText($script:B, 'Kingfishers dive from a perch above the stream.')
        $marker = Write-Doc (Join-Path $script:Docs 'marker.md') 'A lapwing calls over the field.'
        Wait-Until { (Find-Source $script:Index 'lapwing') -contains $marker } 'the marker is found' -Watch $script:Watch
        Wait-Until { $script:Watch.Output.Count -gt $count } 'its summary is written' -Watch $script:Watch
        $updates = @(Get-Collected $script:Watch.Output | Select-Object -Skip $count)
        ($updates | Measure-Object Added -Sum).Sum | Should -Be 1
        ($updates | Measure-Object Updated -Sum).Sum | Should -Be 0
        $updates | ForEach-Object { ($_.Added + $_.Updated + $_.Removed) | Should -BeGreaterThan 0 }
    }
}

Describe 'New-RagIndex -Watch stopped with Ctrl+C' {
    BeforeAll {
        $script:Folder = Join-Path $script:Work 'big'
        $script:BigIndex = Join-Path $script:Work 'big.ragidx'
        New-Item -ItemType Directory -Path $script:Folder | Out-Null
        $script:Words = 'river', 'stone', 'lantern', 'harbour', 'meadow', 'copper', 'falcon', 'willow', 'ember', 'glacier', 'orchard', 'compass'
        $script:BigText = { param($n) (1..12 | ForEach-Object { "Paragraph $_ of file ${n}: the $($script:Words[($n + $_) % 12]) and the $($script:Words[($n * $_) % 12]) meet by the $($script:Words[($n + 3 * $_) % 12])." }) -join "`n`n" }
    }

    It 'stops mid-update at once, and leaves an index a reader in another process opens, holding whole documents' {
        $watch = Start-Watch $script:BigIndex $script:Folder
        try {
            Wait-Until { $watch.Output.Count -ge 1 } 'the first pass is summarised' -Watch $watch
            $progress = $watch.PowerShell.Streams.Progress.Count
            foreach ($n in 1..30) { Write-Doc (Join-Path $script:Folder "file$n.md") (& $script:BigText $n) | Out-Null }
            # Stop as soon as the update shows progress: somewhere in it, wherever exactly that lands.
            Wait-Until { $watch.PowerShell.Streams.Progress.Count -gt $progress } 'the update starts' -Watch $watch
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $watch.PowerShell.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'Ctrl+C stops the watch at once, not after the update'
            $watch.Handle.IsCompleted | Should -BeTrue
        }
        finally { $watch.PowerShell.Dispose() }

        # Another process opens the index and searches it.
        $reader = Start-ChildPwsh -Script "Import-Module '$env:MIXTRALPS_TEST_MODULE'; (Find-RagContext -Path '$script:BigIndex' -Query 'lantern' -Mode Hybrid -Top 3 -WarningAction SilentlyContinue).Count"
        $out = $reader.StandardOutput.ReadToEnd()
        $reader.WaitForExit()
        $reader.ExitCode | Should -Be 0 -Because $reader.StandardError.ReadToEnd()
        $out.Trim() | Should -BeIn '0', '3'

        # Every stored document is one whole file: its chunks are its text's, counted as stored; FTS5 agrees.
        $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$(Join-Path $script:BigIndex 'index.db');Pooling=False")
        $connection.Open()
        try {
            $command = $connection.CreateCommand()
            $command.CommandText = 'PRAGMA integrity_check'
            $command.ExecuteScalar() | Should -Be 'ok'
            $command.CommandText = "INSERT INTO chunks_fts(chunks_fts) VALUES('integrity-check')"
            $null = $command.ExecuteNonQuery()
            $command.CommandText = 'SELECT d.source, d.chunk_count, c.start, c.length, c.text FROM documents d JOIN chunks c ON c.document_id = d.id'
            $r = $command.ExecuteReader()
            $rows = while ($r.Read()) { [pscustomobject]@{ Source = $r.GetString(0); Count = $r.GetInt32(1); Start = $r.GetInt32(2); Length = $r.GetInt32(3); Text = $r.GetString(4) } }
            $r.Dispose()
        }
        finally { $connection.Dispose() }
        foreach ($group in $rows | Group-Object Source) {
            $n = [int]([IO.Path]::GetFileNameWithoutExtension($group.Name) -replace '\D')
            $text = & $script:BigText $n
            $group.Count | Should -Be $group.Group[0].Count
            foreach ($chunk in $group.Group) { $text.Substring($chunk.Start, $chunk.Length) | Should -Be $chunk.Text }
        }

        # The lock was released: a new watch takes over and completes what the stop cut short.
        $again = Start-Watch $script:BigIndex $script:Folder
        try {
            Wait-Until { $again.Output.Count -ge 1 } 'the restarted watch has done its first pass' -Watch $again -TimeoutSec 300
            $again.Output[0].Documents | Should -Be 30
            Get-Collected $again.PowerShell.Streams.Error | Should -BeNullOrEmpty
        }
        finally { Stop-Watch $again }
        (Find-RagContext -Path $script:BigIndex -Query 'lantern' -Top 3 -WarningVariable degraded).Count | Should -Be 3
        $degraded | Should -BeNullOrEmpty -Because 'the graph is current after a completed update'
    }

    It 'refuses a folder that does not exist, before creating the index' {
        $missingIndex = Join-Path $script:Work 'never.ragidx'
        { New-RagIndex -Path $missingIndex -Watch (Join-Path $script:Work 'no-such-folder') -ErrorAction Stop } |
            Should -Throw -ErrorId 'NewRagIndexWatchFolderNotFound,MixtralPS.Commands.NewRagIndexCommand'
        Test-Path $missingIndex | Should -BeFalse
    }

    It 'under -WhatIf shows the first pass and returns without watching or writing' {
        $whatIfIndex = Join-Path $script:Work 'whatif.ragidx'
        $summary = New-RagIndex -Path $whatIfIndex -Watch $script:Folder -WhatIf
        $summary.WhatIf | Should -BeTrue
        Test-Path $whatIfIndex | Should -BeFalse
    }
}

Describe 'New-RagIndex -Watch on a PostgreSQL index' -Skip:$script:SkipPg {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'PgCluster.psm1') -Force
        $script:Primary = Start-PgTestCluster
        Invoke-PgSql $script:Primary -Superuser 'CREATE EXTENSION IF NOT EXISTS vector' | Out-Null
        $script:Cs = $script:Primary.ConnectionString
    }

    AfterAll {
        if ($script:Primary) { Stop-PgTestCluster $script:Primary }
    }

    It 'follows a create, a rename and a delete' {
        $folder = Join-Path $script:Work 'pg-docs'
        $file = Write-Doc (Join-Path $folder 'egret.md') 'The egret stalks frogs in the reeds.'
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:MIXTRALPS_TEST_MODULE'; New-RagIndex -ConnectionString '$script:Cs' -Name watched -Watch '$folder'")
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        $watch = [pscustomobject]@{ PowerShell = $ps; Output = $output; Handle = $ps.BeginInvoke([Management.Automation.PSDataCollection[psobject]]::new(), $output) }
        try {
            $find = { param($word) @(Find-RagContext -ConnectionString $script:Cs -Name watched -Query $word -Mode Keyword -Top 5 | ForEach-Object Source) }
            Wait-Until { $output.Count -ge 1 } 'the first pass is summarised' -Watch $watch
            $output[0].Added | Should -Be 1
            (& $find 'egret') | Should -Be $file
            $renamed = Join-Path $folder 'herons/egret.md'
            New-Item -ItemType Directory (Split-Path $renamed) | Out-Null
            Move-Item $file $renamed
            Wait-Until { @(& $find 'egret') -join ',' -eq $renamed } 'the rename is followed' -Watch $watch
            Remove-Item $renamed
            Wait-Until { @(& $find 'egret').Count -eq 0 } 'the delete is followed' -Watch $watch
            Get-Collected $ps.Streams.Error | Should -BeNullOrEmpty
        }
        finally { Stop-Watch $watch }
    }
}
