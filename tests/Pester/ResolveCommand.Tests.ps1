# Resolve-MixtralCommand against the test server: the request it sends, the checks of the suggested command,
# the one retry, and that nothing runs without -Run.
BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $env:MISTRAL_ENDPOINT = Get-TestServerUrl
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_MODEL -ErrorAction SilentlyContinue

    # A scripted answer in the JSON form the command asks for.
    function Add-CommandReply([string] $Command, [string] $Explanation = 'Does it.') {
        Add-TestReply @{ content = (@{ command = $Command; explanation = $Explanation } | ConvertTo-Json -Compress) }
    }

    function Get-ChatBody {
        @(Get-TestRequest | Where-Object path -EQ '/v1/chat/completions' | ForEach-Object { $_.body | ConvertFrom-Json -AsHashtable })
    }
}

Describe 'Resolve-MixtralCommand' {
    BeforeEach {
        Reset-TestServer
    }

    AfterEach {
        Assert-NoSchemaViolation
    }

    Context 'asking' {
        It 'asks for one command as JSON, naming the platform and the PowerShell version, and returns it checked' {
            Add-CommandReply 'Get-ChildItem -Recurse' 'Lists every file.'
            $s = Resolve-MixtralCommand 'list all files'

            $s.Command | Should -Be 'Get-ChildItem -Recurse'
            $s.Explanation | Should -Be 'Lists every file.'
            $s.Request | Should -Be 'list all files'
            $s.Valid | Should -BeTrue
            $s.ParseError | Should -BeNullOrEmpty
            @($s.MissingCommands).Count | Should -Be 0
            @($s.Changes).Count | Should -Be 0
            $s.Attempts | Should -Be 1
            $s.Model | Should -Be 'mistral-small-latest'
            "$s" | Should -Be 'Get-ChildItem -Recurse'

            $body = @(Get-ChatBody)
            $body.Count | Should -Be 1
            $body[0].response_format.type | Should -Be 'json_schema'
            $body[0].response_format.json_schema.schema.required | Should -Be @('command', 'explanation')
            $body[0].messages[0].role | Should -Be 'system'
            $platform = if ($IsWindows) { 'Windows' } elseif ($IsMacOS) { 'macOS' } else { 'Linux' }
            $body[0].messages[0].content | Should -Match $platform
            $body[0].messages[0].content | Should -Match ([regex]::Escape("PowerShell $($PSVersionTable.PSVersion)"))
            $body[0].messages[-1].content | Should -Be 'list all files'
        }

        It 'sends -Model' {
            Add-CommandReply 'Get-Date'
            Resolve-MixtralCommand 'the date' -Model 'codestral-latest' | Out-Null
            @(Get-ChatBody)[0].model | Should -Be 'codestral-latest'
        }

        It 'takes each piped request as one item' {
            Add-CommandReply 'Get-Date'
            Add-CommandReply 'Get-Location'
            $s = 'the date', 'where am I' | Resolve-MixtralCommand
            $s.Command | Should -Be @('Get-Date', 'Get-Location')
            (Get-ChatBody | ForEach-Object { $_.messages[-1].content }) | Should -Be @('the date', 'where am I')
        }

        It 'reads a command in a fenced code block' {
            Add-TestReply @{ content = "Here it is:`n``````powershell`nGet-Process | Sort-Object CPU`n```````nSorts processes by CPU." }
            $s = Resolve-MixtralCommand 'processes by CPU'
            $s.Command | Should -Be 'Get-Process | Sort-Object CPU'
            $s.Explanation | Should -Be 'Here it is: Sorts processes by CPU.'
            $s.Valid | Should -BeTrue
        }
    }

    Context 'the retry' {
        It 'sends a command that does not parse back once, with the parse error, and returns the corrected one' {
            Add-CommandReply 'Get-ChildItem | Where-Object {'
            Add-CommandReply 'Get-ChildItem | Where-Object { $_.Length -gt 0 }'
            $s = Resolve-MixtralCommand 'non-empty files'

            $s.Command | Should -Be 'Get-ChildItem | Where-Object { $_.Length -gt 0 }'
            $s.Valid | Should -BeTrue
            $s.Attempts | Should -Be 2
            $bodies = @(Get-ChatBody)
            $bodies.Count | Should -Be 2
            $retry = $bodies[1].messages
            $retry[-2].role | Should -Be 'assistant'
            $retry[-2].content | Should -Match 'Where-Object \{'
            $retry[-1].role | Should -Be 'user'
            $retry[-1].content | Should -Match 'cannot parse'
            $retry[-1].content | Should -Match "Missing closing '}'"
        }

        It 'retries only once: a second command that does not parse is returned, not valid, with its parse error' {
            Add-CommandReply 'Get-Item ('
            Add-CommandReply 'Get-Item (('
            Add-CommandReply 'Get-Item .'
            $s = Resolve-MixtralCommand 'this folder'

            @(Get-ChatBody).Count | Should -Be 2
            $s.Command | Should -Be 'Get-Item (('
            $s.Valid | Should -BeFalse
            $s.ParseError | Should -Match 'Line 1, column'
            @($s.Changes).Count | Should -Be 0
        }

        It 'retries an answer without a command, and keeps a refusal as the explanation' {
            Add-TestReply @{ content = "I cannot help with that.`nIt is not something a command does." }, @{ content = "I still cannot help.`nSorry." }
            $s = Resolve-MixtralCommand 'make me a sandwich'

            $bodies = @(Get-ChatBody)
            $bodies.Count | Should -Be 2
            $bodies[1].messages[-1].content | Should -Match 'no command'
            $s.Command | Should -Be ''
            $s.Valid | Should -BeFalse
            $s.ParseError | Should -Match 'no command'
            $s.Explanation | Should -Match 'I still cannot help'
        }
    }

    Context 'checking' {
        It 'names the commands that do not exist here, and is then not valid (without a retry)' {
            Add-CommandReply 'Get-NoSuchThing -All | Get-ChildItem | Invoke-NoSuchOther'
            $s = Resolve-MixtralCommand 'something'
            $s.MissingCommands | Should -Be @('Get-NoSuchThing', 'Invoke-NoSuchOther')
            $s.Valid | Should -BeFalse
            $s.ParseError | Should -BeNullOrEmpty
            @(Get-ChatBody).Count | Should -Be 1
        }

        It 'finds aliases and functions of the session' {
            function Get-ResolveTestThing { 'thing' }
            Add-CommandReply 'gci | Get-ResolveTestThing'
            (Resolve-MixtralCommand 'x').Valid | Should -BeTrue
        }

        It 'lists in Changes what changes state in <Command>' -ForEach @(
            @{ Command = 'Get-ChildItem *.tmp | Remove-Item -Force'; Changes = @('Remove-Item -Force') }
            @{ Command = 'Get-Process > procs.txt'; Changes = @('> procs.txt') }
            @{ Command = 'Get-Process | Out-File -FilePath procs.txt'; Changes = @('Out-File -FilePath procs.txt') }
            @{ Command = 'Get-ChildItem | ForEach-Object { Rename-Item $_ ($_.Name + ''.bak'') }'; Changes = @('Rename-Item $_ ($_.Name + ''.bak'')') }
            @{ Command = 'Invoke-WebRequest https://example.com/a.zip -OutFile a.zip'; Changes = @('Invoke-WebRequest https://example.com/a.zip -OutFile a.zip') }
            @{ Command = '[IO.File]::WriteAllText(''a.txt'', ''x'')'; Changes = @('[IO.File]::WriteAllText(''a.txt'', ''x'')') }
            @{ Command = 'ls -la; rm -rf ./build'; Changes = @('rm -rf ./build') }
        ) {
            Add-CommandReply $Command
            $s = Resolve-MixtralCommand 'do it'
            $s.Changes | Should -Be $Changes
        }

        It 'lists nothing for the read-only <Command>' -ForEach @(
            @{ Command = 'Get-Process | Sort-Object CPU -Descending | Select-Object -First 5' }
            @{ Command = 'Get-Content log.txt 2>&1 > $null; Write-Output done' }
            @{ Command = 'Invoke-RestMethod https://example.com/api -Method Get' }
            @{ Command = 'Set-Location ..; Get-ChildItem' }
        ) {
            Add-CommandReply $Command
            @((Resolve-MixtralCommand 'look').Changes).Count | Should -Be 0
        }
    }

    Context 'running' {
        BeforeEach {
            $script:Target = Join-Path $TestDrive "made-$([guid]::NewGuid().ToString('N')).txt"
            Add-CommandReply "New-Item -ItemType File -Path '$script:Target'"
        }

        It 'runs nothing without -Run' {
            $s = Resolve-MixtralCommand 'make a file'
            $s.Valid | Should -BeTrue
            $s.Changes | Should -Be @("New-Item -ItemType File -Path '$script:Target'")
            Test-Path $script:Target | Should -BeFalse
        }

        It 'runs nothing with -Run -WhatIf, and writes nothing' {
            $out = Resolve-MixtralCommand 'make a file' -Run -WhatIf
            $out | Should -BeNullOrEmpty
            Test-Path $script:Target | Should -BeFalse
        }

        It 'runs the command with -Run -Confirm:$false and writes its output instead of the suggestion' {
            $out = Resolve-MixtralCommand 'make a file' -Run -Confirm:$false
            Test-Path $script:Target | Should -BeTrue
            $out | Should -BeOfType [System.IO.FileInfo]
            $out.FullName | Should -Be $script:Target
        }

        It 'runs the command in the caller''s scope' {
            Reset-TestServer
            Add-CommandReply '$resolvedByTheTest = 6 * 7'
            Resolve-MixtralCommand 'set a variable' -Run -Confirm:$false
            $resolvedByTheTest | Should -Be 42
        }

        It 'never runs a command that is not valid: the error holds the suggestion' {
            Reset-TestServer
            Add-CommandReply "New-Item -ItemType File -Path '$script:Target'; Get-NoSuchThing"
            $out = Resolve-MixtralCommand 'make a file' -Run -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            Test-Path $script:Target | Should -BeFalse
            $failed.Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'ResolveMixtralCommandInvalidCommand,*'
            $failed[0].TargetObject.MissingCommands | Should -Be @('Get-NoSuchThing')
        }

        It 'writes the errors of the command it runs' {
            Reset-TestServer
            Add-CommandReply "Get-Item -Path '$script:Target'"
            Resolve-MixtralCommand 'the file' -Run -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failed.Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        }

        It 'with -Edit outside an interactive console, warns why and returns the suggestion, running nothing' {
            $before = @(Get-EventSubscriber).Count
            $s = Resolve-MixtralCommand 'make a file' -Edit -WarningVariable warned -WarningAction SilentlyContinue
            $s.Command | Should -Be "New-Item -ItemType File -Path '$script:Target'"
            "$warned" | Should -Match 'not an interactive console|PSReadLine is not loaded'
            @(Get-EventSubscriber).Count | Should -Be $before
            Test-Path $script:Target | Should -BeFalse
        }

        It 'does not take -Run and -Edit together' {
            { Resolve-MixtralCommand 'make a file' -Run -Edit } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
            @(Get-ChatBody).Count | Should -Be 0
        }
    }
}
