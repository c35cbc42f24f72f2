BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $env:MISTRAL_ENDPOINT = Get-TestServerUrl
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_MODEL -ErrorAction SilentlyContinue

    function Get-ChatRequest { @(Get-TestRequest | Where-Object path -eq '/v1/chat/completions') }

    # The text of the one message the last chat request carried.
    function Get-LastPrompt {
        $body = (Get-ChatRequest)[-1].body | ConvertFrom-Json -AsHashtable
        $body.messages.Count | Should -Be 1
        $body.messages[0].role | Should -Be 'user'
        $body.messages[0].content
    }
}

Describe 'Resolve-MixtralError' {
    BeforeEach {
        Reset-TestServer
    }

    AfterEach {
        Assert-NoSchemaViolation
    }

    It 'sends the exception, message, error id, category, target, command line, script stack and versions of a piped error record' {
        Get-Item /nope-mixtralps -ErrorAction SilentlyContinue -ErrorVariable failure

        $r = $failure | Resolve-MixtralError

        $r | Should -BeOfType MixtralPS.Core.Chat.ChatResponse
        $r.Content | Should -BeLike 'Echo: *'
        @(Get-ChatRequest).Count | Should -Be 1
        $prompt = Get-LastPrompt
        $prompt | Should -Match 'cause'
        $prompt | Should -Match 'fix'
        $prompt | Should -Match 'Exception: System\.Management\.Automation\.ItemNotFoundException'
        $prompt | Should -Match "Message: Cannot find path '/nope-mixtralps' because it does not exist\."
        $prompt | Should -Match 'FullyQualifiedErrorId: PathNotFound,Microsoft\.PowerShell\.Commands\.GetItemCommand'
        $prompt | Should -Match 'Category: ObjectNotFound'
        $prompt | Should -Match 'Target: System\.String: /nope-mixtralps'
        $prompt | Should -Match 'Command: Get-Item'
        $prompt | Should -Match 'Command line: Get-Item /nope-mixtralps -ErrorAction SilentlyContinue -ErrorVariable failure'
        $prompt | Should -Match 'At .*ResolveError\.Tests\.ps1:\d+ char:\d+'
        $prompt | Should -Match 'Script stack trace:'
        $prompt | Should -Match "PowerShell: $([regex]::Escape($PSVersionTable.PSVersion.ToString()))"
        $prompt | Should -Match "OS: $([regex]::Escape([System.Runtime.InteropServices.RuntimeInformation]::OSDescription))"
        $prompt | Should -Not -Match 'REDACTED'
    }

    It 'replaces a key in the failing command line by [REDACTED], says so, and never sends the key' {
        try { & { param($ApiKey) throw 'The service refused the key.' } -ApiKey 'sk-live-0123456789abcdefABCDEF' } catch { $err = $_ }

        $verbose = $err | Resolve-MixtralError -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

        $raw = (Get-ChatRequest)[-1].body
        $raw | Should -Not -Match 'sk-live'
        $raw | Should -Not -Match '0123456789abcdef'
        $prompt = Get-LastPrompt
        $prompt | Should -Match 'Exception: System\.Management\.Automation\.RuntimeException'
        $prompt | Should -Match 'FullyQualifiedErrorId: The service refused the key\.'
        $prompt | Should -Match 'Category: OperationStopped'
        $prompt | Should -Match ([regex]::Escape("throw 'The service refused the key.' } -ApiKey '[REDACTED]'"))
        $prompt | Should -Match 'secret-looking values? in the report (was|were) replaced by \[REDACTED\]'
        # The key is in the command line and, unless PowerShell cut it there, in the position message too.
        $verbose.Message -join "`n" | Should -Match '\b[12] secret-looking values? (was|were) replaced by \[REDACTED\] before sending\.'
    }

    It 'explains a piped exception with its inner exceptions' {
        $ex = [System.IO.IOException]::new('The copy failed.', [System.UnauthorizedAccessException]::new('Access to /etc/shadow is denied.'))

        $ex | Resolve-MixtralError | Out-Null

        $prompt = Get-LastPrompt
        $prompt | Should -Match 'Exception: System\.IO\.IOException'
        $prompt | Should -Match 'Message: The copy failed\.'
        $prompt | Should -Match 'Inner exception: System\.UnauthorizedAccessException: Access to /etc/shadow is denied\.'
    }

    It 'reads an exception that carries an error record through that record' {
        try { Get-Item /nope-carried -ErrorAction Stop } catch { $ex = $_.Exception }

        $ex | Resolve-MixtralError | Out-Null

        $prompt = Get-LastPrompt
        $prompt | Should -Match 'Exception: System\.Management\.Automation\.ItemNotFoundException'
        $prompt | Should -Match "Message: Cannot find path '/nope-carried'"
        $prompt | Should -Match 'FullyQualifiedErrorId: PathNotFound'
        $prompt | Should -Match 'Category: ObjectNotFound'
        $prompt | Should -Match 'Target: System\.String: /nope-carried'
    }

    It 'explains the newest error of the session when nothing is given' {
        Get-Item /nope-older -ErrorAction SilentlyContinue
        Get-Item /nope-newest -ErrorAction SilentlyContinue

        Resolve-MixtralError | Out-Null

        $prompt = Get-LastPrompt
        $prompt | Should -Match '/nope-newest'
        $prompt | Should -Not -Match '/nope-older'
    }

    It 'passes over its own failures when it looks for the newest error' {
        Get-Item /nope-before -ErrorAction SilentlyContinue
        'not an error' | Resolve-MixtralError -ErrorAction SilentlyContinue
        $Error[0].FullyQualifiedErrorId | Should -BeLike 'ResolveMixtralErrorNotAnError,*'

        Resolve-MixtralError | Out-Null

        Get-LastPrompt | Should -Match '/nope-before'
    }

    It 'fails with ResolveMixtralErrorNoError in a session without errors' {
        $module = $env:MIXTRALPS_TEST_MODULE
        $run = Start-ChildPwsh -Script "Import-Module '$module'; try { Resolve-MixtralError } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }" -Environment @{ MISTRAL_ENDPOINT = (Get-TestServerUrl) }
        $out = $run.StandardOutput.ReadToEnd()
        $run.WaitForExit()

        $out | Should -Match 'ResolveMixtralErrorNoError,'
        $out | Should -Match 'There is no error to explain'
        @(Get-ChatRequest).Count | Should -Be 0
    }

    It 'writes ResolveMixtralErrorNotAnError for input that is no error, and goes on with the next' {
        Get-Item /nope-next -ErrorAction SilentlyContinue -ErrorVariable failure

        $r = 'just text', $failure[0] | Resolve-MixtralError -ErrorVariable problems -ErrorAction SilentlyContinue

        @($r).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ResolveMixtralErrorNotAnError,*'
        $problems[0].Exception.Message | Should -Match 'System\.String'
        @(Get-ChatRequest).Count | Should -Be 1
    }

    It 'asks one question per piped error' {
        Get-Item /nope-a, /nope-b -ErrorAction SilentlyContinue -ErrorVariable failures

        $r = $failures | Resolve-MixtralError

        @($r).Count | Should -Be 2
        $requests = Get-ChatRequest
        $requests.Count | Should -Be 2
        ($requests[0].body | ConvertFrom-Json).messages[0].content | Should -Match '/nope-a'
        ($requests[1].body | ConvertFrom-Json).messages[0].content | Should -Match '/nope-b'
    }

    It 'sends nothing with -WhatIf, and shows the redacted request with -Verbose' {
        try { & { param($Token) throw 'Refused.' } -Token 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } catch { $err = $_ }

        $out = $err | Resolve-MixtralError -WhatIf -Verbose 4>&1

        @(Get-TestRequest).Count | Should -Be 0
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $verbose | Should -Match 'The request would carry:'
        $verbose | Should -Match ([regex]::Escape("-Token '[REDACTED]'"))
        $verbose | Should -Not -Match 'ghp_'
        @($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 0
    }

    It 'streams the answer with -Stream and returns the whole response' {
        Add-TestReply @{ content = 'The path is wrong.'; chunks = @('The path ', 'is wrong.') }
        Get-Item /nope-stream -ErrorAction SilentlyContinue -ErrorVariable failure

        $r = $failure | Resolve-MixtralError -Stream

        $r.Content | Should -Be 'The path is wrong.'
        $r.Streamed | Should -BeTrue
        ((Get-ChatRequest)[-1].body | ConvertFrom-Json).stream | Should -BeTrue
    }

    It 'asks the model given with -Model' {
        Get-Item /nope-model -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure | Resolve-MixtralError -Model codestral-latest | Out-Null

        ((Get-ChatRequest)[-1].body | ConvertFrom-Json).model | Should -Be 'codestral-latest'
    }

    It 'writes an error record for a failed request' {
        Add-TestReply @{ status = 400; body = '{"object":"error","message":"Bad things","type":"invalid_request_error","code":"3000"}' }
        Get-Item /nope-fail -ErrorAction SilentlyContinue -ErrorVariable failure

        $r = $failure | Resolve-MixtralError -ErrorVariable problems -ErrorAction SilentlyContinue

        $r | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ResolveMixtralErrorBadRequest,*'
    }
}
