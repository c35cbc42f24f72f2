# Invoke-MixtralChat -McpServer against real MCP servers: the reference servers server-everything and
# server-filesystem, a server that dies mid-chat (tests/mcp-peers/crashing-server.mjs, on the official SDK) and
# MixtralPS's own server over HTTP. They need node and the peers npm ci installs (build.ps1 Test does); without
# them these tests skip, except under CI=true, where they fail.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'McpPeers.psm1') -Force
    $peers = Get-McpPeers
    $skip = -not $peers.Ready -and $env:CI -ne 'true'
}

BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'McpPeers.psm1') -Force
    $script:Peers = Get-McpPeers
    $script:Url = Get-TestServerUrl
    $env:MISTRAL_ENDPOINT = $script:Url
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_MODEL, Env:MIXTRAL_EMBED_MODEL -ErrorAction SilentlyContinue
    $node = $script:Peers.Node
    $script:Everything = "`"$node`" `"$($script:Peers.Everything)`""
    $script:Crashing = "`"$node`" `"$($script:Peers.Crashing)`""
    $script:Children = Get-ChildProcessId

    # The bodies of the chat requests the server received, oldest first, as hashtables (always an array).
    function Get-ChatBody {
        $bodies = @(Get-TestRequest | Where-Object path -eq '/v1/chat/completions' | ForEach-Object { $_.body | ConvertFrom-Json -AsHashtable })
        Write-Output -NoEnumerate $bodies
    }

    # A chat in a fresh, interactive pwsh whose prompts are answered from stdin.
    function Invoke-Prompted([string] $Script, [string[]] $Answers) {
        $hostPath = [Environment]::ProcessPath
        $info = [System.Diagnostics.ProcessStartInfo]::new($hostPath)
        if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-Command', "Import-Module '$env:MIXTRALPS_TEST_MODULE'; $Script") { $info.ArgumentList.Add($a) }
        $info.Environment['MISTRAL_ENDPOINT'] = $script:Url
        $info.RedirectStandardOutput = $true; $info.RedirectStandardError = $true; $info.RedirectStandardInput = $true
        $p = [System.Diagnostics.Process]::Start($info)
        foreach ($answer in $Answers) { $p.StandardInput.WriteLine($answer) }
        $p.StandardInput.Close()
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        ($out + $err.Result) -replace "\e\[[0-9;]*m", ''
    }
}

AfterAll {
    $left = @(Get-ChildProcessId | Where-Object { $_ -notin $script:Children })
    $left | Should -BeNullOrEmpty -Because 'a chat stops the MCP servers it started'
}

Describe 'Invoke-MixtralChat -McpServer' -Skip:$skip {
    BeforeAll {
        if (-not $script:Peers.Ready) { throw "The MCP peers cannot run: $($script:Peers.Reason)." }
    }

    BeforeEach { Reset-TestServer }

    AfterEach { Assert-NoSchemaViolation }

    It 'offers the server''s tools as server__tool beside -Tool commands, and runs nothing without -InvokeTools' {
        function Get-Answer { 'forty-two' }
        Add-TestReply @{ toolCalls = @(@{ id = 'c1'; name = 'everything__echo'; arguments = '{"message":"hi"}' }) }
        $r = Invoke-MixtralChat 'x' -McpServer $script:Everything -Tool (Get-Command Get-Answer)
        $tools = (Get-ChatBody)[0].tools.function
        $tools.name | Should -Contain 'Get-Answer'
        $tools.name | Should -Contain 'everything__echo'
        $echo = $tools | Where-Object name -eq 'everything__echo'
        $echo.description | Should -Match '^\[MCP server mcp-servers/everything\] '
        $echo.parameters.required | Should -Be @('message')
        $echo.parameters.Keys | Should -Not -Contain '$schema'
        $r.ToolCalls[0].Name | Should -Be 'everything__echo'
        $r.ToolRuns | Should -BeNullOrEmpty
        (Get-ChatBody).Count | Should -Be 1
    }

    It 'runs a call with -InvokeTools Auto and sends the result back' {
        Add-TestReply @{ toolCalls = @(@{ id = 'c1'; name = 'everything__echo'; arguments = '{"message":"hi"}' }) }, @{ content = 'It said hi.' }
        $r = Invoke-MixtralChat 'x' -McpServer $script:Everything -InvokeTools Auto
        $r.Content | Should -Be 'It said hi.'
        $r.ToolRuns[0].Outcome | Should -Be 'Succeeded'
        $r.ToolRuns[0].Content | Should -Be 'Echo: hi'
        $answer = (Get-ChatBody)[1].messages | Where-Object role -eq 'tool'
        $answer.tool_call_id | Should -Be 'c1'
        $answer.content | Should -Be 'Echo: hi'
    }

    It 'sends a tool error back to the model as a failure' {
        Add-TestReply @{ toolCalls = @(@{ id = 'c1'; name = 'everything__get-sum'; arguments = '{"a":"one","b":2}' }) }, @{ content = 'The sum failed.' }
        $r = Invoke-MixtralChat 'x' -McpServer $script:Everything -InvokeTools Auto
        $r.ToolRuns[0].Outcome | Should -Be 'Failed'
        $r.Content | Should -Be 'The sum failed.'
    }

    It 'asks in Confirm mode: <Answer> <Outcome>' -ForEach @(
        @{ Answer = 'N'; Outcome = 'Declined' }
        @{ Answer = 'Y'; Outcome = 'Succeeded' }
    ) {
        Add-TestReply @{ toolCalls = @(@{ id = 'c1'; name = 'everything__echo'; arguments = '{"message":"hi"}' }) }, @{ content = 'done' }
        $out = Invoke-Prompted -Script "`$r = Invoke-MixtralChat 'x' -McpServer '$($script:Everything -replace "'", "''")' -InvokeTools Confirm; 'runs: ' + `$r.ToolRuns.Outcome" -Answers $Answer
        $out | Should -Match 'The model asks to run:\s+echo \{"message":"hi"\} \(MCP server mcp-servers/everything\)'
        $out | Should -Match "runs: $Outcome"
    }

    It 'names the tools of two servers apart when they clash, and runs each on its own server' {
        Add-TestReply @{ toolCalls = @(
                @{ id = 'a'; name = 'everything__echo'; arguments = '{"message":"one"}' }
                @{ id = 'b'; name = 'everything2__echo'; arguments = '{"message":"two"}' }
            ) }, @{ content = 'both' }
        $r = Invoke-MixtralChat 'x' -McpServer $script:Everything, $script:Everything -InvokeTools Auto
        $names = (Get-ChatBody)[0].tools.function.name
        $names | Should -Contain 'everything__echo'
        $names | Should -Contain 'everything2__echo'
        ($names | Group-Object | Where-Object Count -gt 1) | Should -BeNullOrEmpty
        $r.ToolRuns.Content | Should -Be @('Echo: one', 'Echo: two')
    }

    It 'reads files through server-filesystem' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'files') -Force
        Set-Content (Join-Path $folder 'quotas.md') 'Quotas: 100 requests a minute.'
        $path = (Join-Path $folder 'quotas.md') -replace '\\', '/'
        Add-TestReply @{ toolCalls = @(@{ id = 'c1'; name = 'secure-filesystem-server__read_text_file'; arguments = (@{ path = $path } | ConvertTo-Json -Compress) }) }, @{ content = '100 a minute.' }
        $r = Invoke-MixtralChat 'x' -McpServer "`"$($script:Peers.Node)`" `"$($script:Peers.Filesystem)`" `"$folder`"" -InvokeTools Auto
        $r.ToolRuns[0].Outcome | Should -Be 'Succeeded' -Because $r.ToolRuns[0].Content
        $r.ToolRuns[0].Content | Should -Match 'Quotas: 100 requests a minute.'
    }

    It 'stops with InvokeMixtralChatMcpServerFailed, naming a server that does not start, with its last error output' {
        $bad = "`"$($script:Peers.Node)`" `"$(Join-Path $TestDrive 'no-such-server.js')`""
        $thrown = { Invoke-MixtralChat 'x' -McpServer $bad -ErrorAction Stop } | Should -Throw -ErrorId 'InvokeMixtralChatMcpServerFailed,MixtralPS.Commands.InvokeMixtralChatCommand' -PassThru
        $thrown.Exception.Message | Should -Match ([regex]::Escape("The MCP server '$bad' did not start"))
        $thrown.Exception.Message | Should -Match 'Cannot find module'
        $thrown.TargetObject | Should -Be $bad
        (Get-ChatBody).Count | Should -Be 0
    }

    It 'writes an error naming a server that dies mid-chat, tells the model, and keeps its stderr out of the answer' {
        Add-TestReply @{ toolCalls = @(@{ id = 'c1'; name = 'crashing__exit'; arguments = '{}' }) }, @{ content = 'The tool is gone.' }
        $r = Invoke-MixtralChat 'x' -McpServer $script:Crashing -InvokeTools Auto -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'InvokeMixtralChatMcpServerFailed,MixtralPS.Commands.InvokeMixtralChatCommand'
        $failed[0].Exception.Message | Should -Match ([regex]::Escape("The MCP server '$script:Crashing' stopped answering"))
        $failed[0].Exception.Message | Should -Match 'crashing-server: exiting on request'
        $r.Content | Should -Be 'The tool is gone.'
        $r.ToolRuns[0].Outcome | Should -Be 'Failed'
        ((Get-ChatBody)[1].messages | Where-Object role -eq 'tool').content | Should -Match 'stopped answering'
        $r.Content | Should -Not -Match 'exiting on request'
    }

    It 'uses a Streamable HTTP server by URL: MixtralPS''s own' {
        $docs = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'docs') -Force
        Set-Content (Join-Path $docs 'limits.md') "# Limits`n`nThe quota is 100 requests a minute."
        $index = Join-Path $TestDrive 'limits.ragidx'
        Get-ChildItem $docs -File | New-RagIndex -Path $index | Out-Null
        $server = Start-McpHttpServer -IndexPath $index -Port (Get-FreePort)
        try {
            Add-TestReply @{ toolCalls = @(@{ id = 'c1'; name = 'MixtralPS__search'; arguments = '{"query":"quota","top":1}' }) }, @{ content = '100 a minute [1].' }
            $r = Invoke-MixtralChat 'x' -McpServer $server.Url -InvokeTools Auto
            $r.ToolRuns[0].Outcome | Should -Be 'Succeeded'
            $r.ToolRuns[0].Content | Should -Match 'The quota is 100 requests a minute.'
        }
        finally { Stop-McpHttpServer $server }
    }

    It 'stops its servers when the pipeline is stopped, leaving no process' {
        $before = Get-ChildProcessId
        Add-TestReply @{ content = 'never'; delayMs = 20000 }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:MIXTRALPS_TEST_MODULE'; `$env:MISTRAL_ENDPOINT = '$script:Url'; Invoke-MixtralChat 'x' -McpServer '$($script:Everything -replace "'", "''")', '$($script:Crashing -replace "'", "''")' -InvokeTools Auto")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (@(Get-TestRequest).Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $started = @(Get-ChildProcessId | Where-Object { $_ -notin $before })
            $started.Count | Should -Be 2 -Because 'each server is a child process while the chat runs'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while (@(Get-ChildProcessId | Where-Object { $_ -in $started }).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            @(Get-ChildProcessId | Where-Object { $_ -in $started }) | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }

    It 'refuses a command line whose quotes do not close' {
        { Invoke-MixtralChat 'x' -McpServer 'node "server.js' -ErrorAction Stop } | Should -Throw -ErrorId 'InvokeMixtralChatInvalidMcpServer,MixtralPS.Commands.InvokeMixtralChatCommand'
    }
}

Describe 'MCP peers' -Skip:(-not $skip) {
    It 'are skipped here: <Reason>' -ForEach @(@{ Reason = $peers.Reason }) {
        Set-ItResult -Skipped -Because $Reason
    }
}
