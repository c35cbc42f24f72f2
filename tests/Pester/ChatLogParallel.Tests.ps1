# Chats from parallel runspaces and processes, all saved to one chat log at once: none is lost.
BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $script:Url = Get-TestServerUrl
    $env:MISTRAL_ENDPOINT = $script:Url
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_MODEL -ErrorAction SilentlyContinue
    $script:SavedHome = $env:MIXTRALPS_HOME
}

AfterAll {
    $env:MIXTRALPS_HOME = $script:SavedHome
}

Describe 'The chat log under parallel writers' {
    BeforeEach {
        Reset-TestServer
        $env:MIXTRALPS_HOME = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-log-$([guid]::NewGuid().ToString('N'))"
    }

    AfterEach {
        Assert-NoSchemaViolation
        Remove-Item $env:MIXTRALPS_HOME -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'loses no entry from parallel runspaces' {
        $module = $env:MIXTRALPS_TEST_MODULE
        $answers = 1..16 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            Invoke-MixtralChat "runspace $_" -WarningVariable warned
            if ($warned) { throw "A log warning: $warned" }
        }
        $answers | Should -HaveCount 16
        $entries = Get-MixtralChatLog -Last 100
        $entries | Should -HaveCount 16
        @($entries.Prompt | Sort-Object -Unique) | Should -HaveCount 16
        @($entries.ConversationId | Sort-Object -Unique) | Should -HaveCount 16
    }

    It 'loses no entry from two processes writing at once' {
        # A barrier: both processes have loaded the module before either chats, so their writes overlap.
        $barrier = Join-Path $env:MIXTRALPS_HOME 'barrier'
        New-Item -ItemType Directory -Path $barrier -Force | Out-Null
        $script = @"
Import-Module '$env:MIXTRALPS_TEST_MODULE'
New-Item (Join-Path '$barrier' "ready-`$env:WRITER") | Out-Null
while (-not (Test-Path (Join-Path '$barrier' 'go'))) { Start-Sleep -Milliseconds 10 }
1..25 | ForEach-Object { Invoke-MixtralChat "process `$env:WRITER item `$_" -WarningVariable w | Out-Null; if (`$w) { "WARNING `$w" } }
'done'
"@
        $writers = 'A', 'B' | ForEach-Object {
            Start-ChildPwsh -Script $script -Environment @{ MISTRAL_ENDPOINT = $script:Url; MIXTRALPS_HOME = $env:MIXTRALPS_HOME; WRITER = $_ }
        }
        $deadline = [DateTime]::UtcNow.AddMinutes(2)
        while (@(Get-ChildItem $barrier -Filter 'ready-*').Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        New-Item (Join-Path $barrier 'go') | Out-Null
        $outputs = foreach ($writer in $writers) {
            $writer.StandardInput.Close()
            $errors = $writer.StandardError.ReadToEndAsync()
            $out = $writer.StandardOutput.ReadToEnd()
            $writer.WaitForExit()
            $errors.Result | Should -BeNullOrEmpty
            $out
        }
        $outputs | ForEach-Object { $_.Trim() | Should -Be 'done' }
        $entries = Get-MixtralChatLog -Last 100
        $entries | Should -HaveCount 50
        @($entries.Prompt | Sort-Object -Unique) | Should -HaveCount 50
    }
}
