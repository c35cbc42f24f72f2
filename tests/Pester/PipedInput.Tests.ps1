# Invoke-MixtralChat over piped input: one question over everything, objects as data, errors with their context,
# the budget, -WhatIf, and -Each batches; against the test server, which records every request.
BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $env:MISTRAL_ENDPOINT = Get-TestServerUrl
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_MODEL -ErrorAction SilentlyContinue

    function Get-ChatRequest { @(Get-TestRequest | Where-Object path -eq '/v1/chat/completions') }
    function Get-SentMessage { ((Get-ChatRequest)[-1].body | ConvertFrom-Json).messages[-1].content }

}

Describe 'Invoke-MixtralChat with piped input' {
    BeforeEach {
        Reset-TestServer
    }

    AfterEach {
        Assert-NoSchemaViolation
    }

    Describe 'one question over everything piped' {
        It 'sends three piped strings as one request, and one each with -Each' {
            'alpha', 'beta', 'gamma' | Invoke-MixtralChat 'Join these' | Out-Null
            @(Get-ChatRequest).Count | Should -Be 1
            Get-SentMessage | Should -Be "Join these`n`n<input type=`"text`">`nalpha`nbeta`ngamma`n</input>"

            Reset-TestServer
            $r = 'alpha', 'beta', 'gamma' | Invoke-MixtralChat 'Join these' -Each
            @(Get-ChatRequest).Count | Should -Be 3
            $r.Count | Should -Be 3
        }

        It 'sends the same text for Get-Content and Get-Content -Raw' {
            $file = Join-Path $TestDrive 'notes.txt'
            Set-Content $file "first line`n`nthird line"
            Get-Content $file | Invoke-MixtralChat 'Summarise' | Out-Null
            $lines = Get-SentMessage
            Get-Content $file -Raw | Invoke-MixtralChat 'Summarise' | Out-Null
            Get-SentMessage | Should -Be $lines
            $lines | Should -Match 'first line\n\nthird line\n</input>$'
        }

        It 'keeps mixed input in pipeline order' {
            'before', [pscustomobject]@{ Name = 'widget'; Count = 3 }, 'after' | Invoke-MixtralChat 'Q' | Out-Null
            $sent = Get-SentMessage
            $sent.IndexOf('before') | Should -BeLessThan $sent.IndexOf('widget')
            $sent.IndexOf('widget') | Should -BeLessThan $sent.IndexOf('after')
        }

        It 'continues the conversation of a piped response, with the piped text as the next turn''s data' {
            $first = Invoke-MixtralChat 'My name is Ada.'
            $first, 'extra text' | Invoke-MixtralChat 'What is my name?' | Out-Null
            $messages = ((Get-ChatRequest)[-1].body | ConvertFrom-Json).messages
            $messages.role | Should -Be @('user', 'assistant', 'user')
            $messages[2].content | Should -Match 'extra text'
        }

        It 'sends nothing for empty input, and says so' {
            @() | Invoke-MixtralChat 'Summarise' -WarningVariable w -WarningAction SilentlyContinue | Should -BeNullOrEmpty
            '', '   ' | Invoke-MixtralChat 'Summarise' -WarningVariable w2 -WarningAction SilentlyContinue | Should -BeNullOrEmpty
            @(Get-ChatRequest).Count | Should -Be 0
            "$w" | Should -Match 'Nothing came down the pipeline'
            "$w2" | Should -Match 'Nothing came down the pipeline'
        }
    }

    Describe 'objects as data' {
        It 'sends a file as the columns of its default view, not its type name' {
            $file = Join-Path $TestDrive 'data.bin'
            [IO.File]::WriteAllBytes($file, [byte[]]::new(1234))
            Get-Item $file | Invoke-MixtralChat 'How big?' | Out-Null
            $sent = Get-SentMessage
            $sent | Should -Match 'of="System.IO.FileInfo" count="1"'
            # The columns of the default table view: Mode, LastWriteTime, Length, Name on Windows; UnixMode, User, Group,
            # LastWriteTime, Size, Name elsewhere.
            foreach ($column in '(Unix)?Mode', 'LastWriteTime', '(Length|Size)', 'Name') { $sent | Should -Match "\| $column \|" }
            $sent | Should -Match '1234'
            $sent | Should -Match 'data\.bin'
            $sent | Should -Match '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d'
        }

        It 'sends a custom object''s properties with invariant numbers and ISO dates, whatever the culture' {
            $culture = [cultureinfo]::CurrentCulture
            try {
                [cultureinfo]::CurrentCulture = 'de-DE'
                [pscustomobject]@{ Name = 'widget'; Price = 1234.5; When = [datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Utc) } |
                    Invoke-MixtralChat 'Q' | Out-Null
            }
            finally { [cultureinfo]::CurrentCulture = $culture }
            $sent = Get-SentMessage
            $sent | Should -Match 'of="System.Management.Automation.PSCustomObject" count="1"'
            $sent | Should -Match 'Name'
            $sent | Should -Match 'Price'
            $sent | Should -Match '1234\.5'
            $sent | Should -Not -Match '1234,5'
            $sent | Should -Match '2024-01-02T03:04:05'
        }

        It 'sends <Format> when asked' -ForEach @(
            @{ Format = 'Csv'; Pattern = '(?m)^"?Name"?,"?Size"?\s*$' }
            @{ Format = 'Json'; Pattern = '"Name":\s*"a"' }
            @{ Format = 'Text'; Pattern = 'type="text" of="System.Management.Automation.PSCustomObject"' }
        ) {
            [pscustomobject]@{ Name = 'a'; Size = 1 }, [pscustomobject]@{ Name = 'b'; Size = 2 } |
                Invoke-MixtralChat 'Q' -InputFormat $Format | Out-Null
            Get-SentMessage | Should -Match $Pattern
        }

        It 'parses as JSON in the Json form' {
            [pscustomobject]@{ Name = 'a'; Size = 1 }, [pscustomobject]@{ Name = 'b'; Size = 2 } |
                Invoke-MixtralChat 'Q' -InputFormat Json | Out-Null
            $json = (Get-SentMessage) -replace '(?s)^.*<input type="json"[^>]*>\n(.*)\n</input>.*$', '$1'
            $rows = $json | ConvertFrom-Json
            $rows.Name | Should -Be @('a', 'b')
        }

        It 'sends the text form as Out-String shows it' {
            $item = [pscustomobject]@{ Name = 'a'; Size = 1 }
            $item | Invoke-MixtralChat 'Q' -InputFormat Text | Out-Null
            Get-SentMessage | Should -Match ([regex]::Escape(($item | Out-String).Trim()))
        }
    }

    Describe 'errors with their context' {
        It 'sends an error record''s type, message, id, category, target and command line' {
            Get-Item (Join-Path $TestDrive 'no-such-file.txt') -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed | Invoke-MixtralChat 'Why did this fail?' | Out-Null
            $sent = Get-SentMessage
            $sent | Should -Match '<input type="error"'
            $sent | Should -Match 'ItemNotFoundException'
            $sent | Should -Match 'PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand'
            $sent | Should -Match 'ObjectNotFound'
            $sent | Should -Match 'no-such-file\.txt'
            $sent | Should -Match ([regex]::Escape($PSVersionTable.PSVersion.ToString()))
        }

        It 'redacts a key that sits in the failing command line, and says so' {
            function Connect-Service { [CmdletBinding()] param([string] $ApiKey) Write-Error 'The service refused the connection.' }
            $key = 'sk-live-9f8e7d6c5b4a39281706ABCDEFabcdef'
            Connect-Service -ApiKey 'sk-live-9f8e7d6c5b4a39281706ABCDEFabcdef' -ErrorAction SilentlyContinue -ErrorVariable failure
            $failure | Invoke-MixtralChat 'Why?' | Out-Null
            $body = (Get-ChatRequest)[-1].body
            $body | Should -Not -Match $key
            $sent = Get-SentMessage
            $sent | Should -Match 'Connect-Service -ApiKey'
            $sent | Should -Match '\[REDACTED\]'
            $sent | Should -Match 'replaced by \[REDACTED\] before sending'
        }
    }

    Describe 'the budget' {
        It 'cuts at an item boundary with a warning that says what was sent, and how to narrow it' {
            $lines = 1..200 | ForEach-Object { "log line number $_ with a few more words" }
            $lines | Invoke-MixtralChat 'Summarise' -MaxInputTokens 300 -WarningVariable w -WarningAction SilentlyContinue | Out-Null
            "$w" | Should -Match 'Sent (\d+) of 200 piped items'
            $sentCount = [int]([regex]::Match("$w", 'Sent (\d+) of').Groups[1].Value)
            $sentCount | Should -BeGreaterThan 0
            "$w" | Should -Match 'MaxInputTokens 300'
            "$w" | Should -Match 'Select-Object'
            $sent = Get-SentMessage
            $sent | Should -Match "log line number $sentCount with a few more words\n</input>"
            $sent | Should -Not -Match "log line number $($sentCount + 1) with"
        }

        It 'fits a large input to the model''s context from the model list, asked once per endpoint' {
            $lines = 1..12000 | ForEach-Object { "lorem ipsum dolor sit amet consectetur adipiscing elit sed do $_" }
            $lines | Invoke-MixtralChat 'Summarise' -WarningVariable w -WarningAction SilentlyContinue | Out-Null
            "$w" | Should -Match 'of 12,000 piped items'
            "$w" | Should -Match '131,072 tokens the model takes'
            $lines | Invoke-MixtralChat 'Summarise' -WarningAction SilentlyContinue | Out-Null
            @(Get-TestRequest | Where-Object path -like '/v1/models*').Count | Should -BeLessOrEqual 1
            @(Get-ChatRequest).Count | Should -Be 2
        }

        It '-WhatIf shows items, characters and tokens, and sends nothing' {
            $out = Get-ConsoleText "'a', 'b', 'c' | Invoke-MixtralChat 'Q' -WhatIf"
            $out | Should -Match 'What if: .*Send a chat request.*mistral-small-latest: 3 piped items, \d+ characters in the message, about \d+ tokens'
            @(Get-TestRequest).Count | Should -Be 0
        }

        It 'refuses an item that alone does not fit, and sends nothing' {
            ('x' * 5000) | Invoke-MixtralChat 'Q' -MaxInputTokens 10 -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvokeMixtralChatInputTooLarge*'
            @(Get-ChatRequest).Count | Should -Be 0
        }
    }

    Describe '-Each' {
        It 'writes answers in input order, each with its Input, riding out 429s' {
            Add-TestReply @{ status = 429; headers = @{ 'Retry-After' = '0' } }, @{ status = 429 }, @{ delayMs = 300; content = 'slow' }
            $inputs = 'a', 'b', 'c', 'd', 'e', 'f'
            $r = $inputs | Invoke-MixtralChat -Each -ThrottleLimit 3
            $r.Count | Should -Be 6
            $r.Input | Should -Be $inputs
            foreach ($answer in $r) { $answer.Content | Should -BeIn @("Echo: $($answer.Input)", 'slow') }
            @(Get-ChatRequest).Count | Should -Be 8
        }

        It 'keeps no more than -ThrottleLimit requests in flight' {
            Add-TestReply @{ delayMs = 400; repeat = 0 }
            1..8 | ForEach-Object { "item $_" } | Invoke-MixtralChat 'Q' -Each -ThrottleLimit 3 | Out-Null
            $most = Get-TestServerMaxInFlight
            $most | Should -BeLessOrEqual 3
            $most | Should -BeGreaterThan 1
        }

        It 'goes on after a failed item, whose error names it' {
            Add-TestReply @{ status = 400; body = '{"object":"error","message":"bad one","code":"1000"}' }
            $r = 'one', 'two', 'three' | Invoke-MixtralChat -Each -ThrottleLimit 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].TargetObject | Should -Be 'one'
            $r.Input | Should -Be @('two', 'three')
        }

        It 'asks once per item with -WhatIf per item and sends nothing' {
            $out = Get-ConsoleText "'a', 'b' | Invoke-MixtralChat 'Q' -Each -WhatIf"
            ([regex]::Matches($out, 'What if:')).Count | Should -Be 2
            @(Get-TestRequest).Count | Should -Be 0
        }

        It 'refuses -Each with -Stream' {
            { 'a' | Invoke-MixtralChat -Each -Stream -ErrorAction Stop } | Should -Throw -ErrorId 'InvokeMixtralChatEachConflict*'
        }
    }
}
