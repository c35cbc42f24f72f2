BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $script:Url = Get-TestServerUrl
    $env:MISTRAL_ENDPOINT = $script:Url
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_MODEL -ErrorAction SilentlyContinue

    function Get-LastChatBody {
        $chat = @(Get-TestRequest | Where-Object path -eq '/v1/chat/completions')
        $chat[-1].body | ConvertFrom-Json -AsHashtable
    }
}

Describe 'Chat against the Mistral-compatible test server' {
    BeforeEach {
        Reset-TestServer
    }

    AfterEach {
        Assert-NoSchemaViolation
    }

    Describe 'Invoke-MixtralChat, plain answers' {
        It 'answers a message given as a parameter with content, model, usage and history' {
            $r = Invoke-MixtralChat 'Hello there'
            $r.Content | Should -Be 'Echo: Hello there'
            $r.Model | Should -Be 'mistral-small-latest'
            $r.FinishReason | Should -Be 'stop'
            $r.Usage.TotalTokens | Should -BeGreaterThan 0
            $r.History.Count | Should -Be 2
            $r.History[1].Role | Should -Be 'assistant'
            "$r" | Should -Be 'Echo: Hello there'
            ($r | Out-String).Trim() | Should -Be 'Echo: Hello there'
        }

        It 'joins piped strings into one message when there is no -Message' {
            $r = 'one', 'two' | Invoke-MixtralChat
            $r.Content | Should -Be "Echo: one`ntwo"
            @(Get-TestRequest).Count | Should -Be 1
        }

        It 'puts piped text after -Message, delimited' {
            $r = 'the text' | Invoke-MixtralChat -Message 'Summarise:'
            $r.Content | Should -Be "Echo: Summarise:`n`n<input type=`"text`">`nthe text`n</input>"
        }

        It 'sends every sampling parameter under the API''s own field names' {
            Invoke-MixtralChat 'x' -Model 'open-mistral-nemo' -Temperature 0.2 -TopP 0.9 -MaxTokens 50 -RandomSeed 7 -SafePrompt -Stop 'END', 'STOP' | Out-Null
            $body = Get-LastChatBody
            $body.model | Should -Be 'open-mistral-nemo'
            $body.temperature | Should -Be 0.2
            $body.top_p | Should -Be 0.9
            $body.max_tokens | Should -Be 50
            $body.random_seed | Should -Be 7
            $body.safe_prompt | Should -BeTrue
            $body.stop | Should -Be @('END', 'STOP')
            $body.ContainsKey('stream') | Should -BeFalse
        }

        It 'puts -SystemPrompt first' {
            Invoke-MixtralChat 'x' -SystemPrompt 'Be brief.' | Out-Null
            $body = Get-LastChatBody
            $body.messages[0].role | Should -Be 'system'
            $body.messages[0].content | Should -Be 'Be brief.'
            $body.messages[1].role | Should -Be 'user'
        }

        It 'uses $env:MIXTRAL_MODEL as the default model' {
            $env:MIXTRAL_MODEL = 'codestral-latest'
            try { Invoke-MixtralChat 'x' | Out-Null } finally { Remove-Item Env:MIXTRAL_MODEL }
            (Get-LastChatBody).model | Should -Be 'codestral-latest'
        }

        It 'accepts an endpoint given with its /v1 suffix' {
            (Invoke-MixtralChat 'x' -Endpoint "$script:Url/v1").Content | Should -Be 'Echo: x'
        }

        It 'warns when the answer was cut at the token limit' {
            Add-TestReply @{ content = 'partial'; finishReason = 'length' }
            $r = Invoke-MixtralChat 'x' -WarningVariable w -WarningAction SilentlyContinue
            $r.FinishReason | Should -Be 'length'
            "$w" | Should -Match 'MaxTokens'
        }
    }

    Describe 'Invoke-MixtralChat, conversations' {
        It 'continues the conversation of a piped response' {
            $first = Invoke-MixtralChat 'My name is Ada.'
            $second = $first | Invoke-MixtralChat -Message 'What is my name?'
            $body = Get-LastChatBody
            $body.messages.role | Should -Be @('user', 'assistant', 'user')
            $body.messages[1].content | Should -Be 'Echo: My name is Ada.'
            $second.History.Count | Should -Be 4
        }

        It 'keeps a system prompt through the turns and replaces it when a new one is given' {
            $first = Invoke-MixtralChat 'a' -SystemPrompt 'Old.'
            $first | Invoke-MixtralChat -Message 'b' | Out-Null
            (Get-LastChatBody).messages[0].content | Should -Be 'Old.'
            $first | Invoke-MixtralChat -Message 'c' -SystemPrompt 'New.' | Out-Null
            $messages = (Get-LastChatBody).messages
            @($messages | Where-Object role -eq 'system').Count | Should -Be 1
            $messages[0].content | Should -Be 'New.'
        }

        It 'takes -History as messages' {
            $first = Invoke-MixtralChat 'a'
            Invoke-MixtralChat 'b' -History $first.History | Out-Null
            (Get-LastChatBody).messages.Count | Should -Be 3
        }
    }

    Describe 'Invoke-MixtralChat, JSON output' {
        It 'asks for a JSON object and parses the answer into Data' {
            $r = Invoke-MixtralChat 'list' -ResponseFormat JsonObject
            (Get-LastChatBody).response_format.type | Should -Be 'json_object'
            $r.Data.echo | Should -Be 'Echo: list'
        }

        It 'sends -JsonSchema as a json_schema response format and returns objects' {
            $schema = @{ type = 'object'; properties = @{ title = @{ type = 'string' }; year = @{ type = 'integer' } }; required = @('title', 'year') }
            $r = Invoke-MixtralChat 'a book' -JsonSchema $schema
            $format = (Get-LastChatBody).response_format
            $format.type | Should -Be 'json_schema'
            $format.json_schema.schema.properties.year.type | Should -Be 'integer'
            $r.Data.year | Should -BeOfType [int]
            $r.Data.PSObject.Properties.Name | Should -Contain 'title'
        }

        It 'accepts the schema as JSON text' {
            $r = Invoke-MixtralChat 'x' -JsonSchema '{"type":"object","properties":{"ok":{"type":"boolean"}}}'
            $r.Data.ok | Should -BeTrue
        }

        It 'warns and keeps the text when the answer is not JSON' {
            Add-TestReply @{ content = 'not json' }
            $r = Invoke-MixtralChat 'x' -ResponseFormat JsonObject -WarningVariable w -WarningAction SilentlyContinue
            $r.Content | Should -Be 'not json'
            "$w" | Should -Match 'not valid JSON'
        }

        It 'refuses a schema that is not an object, before any request' {
            { Invoke-MixtralChat 'x' -JsonSchema '[1,2]' -ErrorAction Stop } | Should -Throw -ErrorId 'InvokeMixtralChatInvalidJsonSchema*'
            @(Get-TestRequest).Count | Should -Be 0
        }
    }

    Describe 'Invoke-MixtralChat -Stream' {
        It 'returns one complete response at the end of the stream' {
            Add-TestReply @{ content = 'Streamed answer in parts'; chunks = @('Streamed', ' answer', ' in', ' parts') }
            $r = Invoke-MixtralChat 'x' -Stream
            $r.Content | Should -Be 'Streamed answer in parts'
            $r.Streamed | Should -BeTrue
            $r.FinishReason | Should -Be 'stop'
            $r.Usage.CompletionTokens | Should -BeGreaterThan 0
            (Get-LastChatBody).stream | Should -BeTrue
        }

        It 'shows the text on the console as it arrives, and the object holds the same text' {
            $script = "Import-Module '$env:MIXTRALPS_TEST_MODULE'; `$r = Invoke-MixtralChat 'x' -Stream; '<<' + `$r.Content + '>>'"
            Add-TestReply @{ content = 'alpha beta gamma'; chunks = @('alpha', ' beta', ' gamma') }
            $p = Start-ChildPwsh -Script $script -Environment @{ MISTRAL_ENDPOINT = $script:Url }
            $out = $p.StandardOutput.ReadToEnd(); $p.WaitForExit()
            $lines = $out -split "`r?`n" | Where-Object { $_ }
            $lines[0] | Should -Be 'alpha beta gamma'
            $lines[1] | Should -Be '<<alpha beta gamma>>'
        }

        It 'says how much arrived when the stream is cut' {
            Add-TestReply @{ content = 'one two three four five'; chunks = @('one', ' two', ' three', ' four', ' five'); cutAfterChunks = 3 }
            $r = Invoke-MixtralChat 'x' -Stream -ErrorVariable e -ErrorAction SilentlyContinue
            $r | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvokeMixtralChatStreamInterrupted*'
            $e[0].ToString() | Should -Match 'characters of the answer had arrived'
            $e[0].TargetObject | Should -BeLike 'one two*'
        }

        It 'reports a malformed event' {
            Add-TestReply @{ rawSse = "data: {`"id`":`"x`",`"model`":`"m`",`"choices`":[{`"index`":0,`"delta`":{`"role`":`"assistant`",`"content`":`"`"},`"finish_reason`":null}]}`n`ndata: {not json`n`n" }
            Invoke-MixtralChat 'x' -Stream -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvokeMixtralChatInvalidResponse*'
        }

        It 'reports a stream that ends without [DONE]' {
            Add-TestReply @{ rawSse = "data: {`"id`":`"x`",`"model`":`"m`",`"choices`":[{`"index`":0,`"delta`":{`"content`":`"hi`"},`"finish_reason`":null}]}`n`n" }
            Invoke-MixtralChat 'x' -Stream -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvokeMixtralChatStreamInterrupted*'
            $e[0].TargetObject | Should -Be 'hi'
        }
    }

    Describe 'Invoke-MixtralChat, faults and retries' {
        It 'retries 503 and succeeds' {
            Add-TestReply @{ status = 503; body = '{"object":"error","message":"busy","type":"service_unavailable","code":"3000"}'; repeat = 2 }
            (Invoke-MixtralChat 'x' -MaxRetries 3).Content | Should -Be 'Echo: x'
            @(Get-TestRequest).Count | Should -Be 3
        }

        It 'retries 500, 502 and 504 alike' {
            Add-TestReply @{ status = 500; body = '{}' }, @{ status = 502; body = '{}' }, @{ status = 504; body = '{}' }
            (Invoke-MixtralChat 'x' -MaxRetries 3).Content | Should -Be 'Echo: x'
            @(Get-TestRequest).Count | Should -Be 4
        }

        It 'gives up on 429 after the retries and shows the limit headers' {
            Add-TestReply @{ status = 429; body = '{"object":"error","message":"Requests rate limit exceeded","type":"rate_limited","code":"1300"}'; headers = @{ 'x-ratelimit-limit-tokens' = '500000'; 'x-ratelimit-remaining-tokens' = '0'; 'Retry-After' = '0' }; repeat = 5 }
            Invoke-MixtralChat 'x' -MaxRetries 2 -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            @(Get-TestRequest).Count | Should -Be 3
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvokeMixtralChatRateLimited*'
            $e[0].ToString() | Should -Match 'Requests rate limit exceeded'
            $e[0].ToString() | Should -Match 'x-ratelimit-limit-tokens=500000'
            $e[0].ToString() | Should -Match '3 attempts'
        }

        It 'honours Retry-After' {
            Add-TestReply @{ status = 429; body = '{"message":"slow down"}'; headers = @{ 'Retry-After' = '1' } }
            $watch = [Diagnostics.Stopwatch]::StartNew()
            (Invoke-MixtralChat 'x').Content | Should -Be 'Echo: x'
            # With a 10 ms base delay only the server's Retry-After explains a wait of a second.
            $watch.Elapsed.TotalMilliseconds | Should -BeGreaterOrEqual 900
        }

        It 'never retries <Status>' -ForEach @(
            @{ Status = 400; Id = 'BadRequest' }
            @{ Status = 403; Id = 'Forbidden' }
            @{ Status = 404; Id = 'NotFound' }
            @{ Status = 422; Id = 'InvalidRequest' }
        ) {
            Add-TestReply @{ status = $Status; body = '{"object":"error","message":"no way","type":"invalid_request_error","code":"1000"}'; repeat = 3 }
            $err = $null
            try { Invoke-MixtralChat 'x' -MaxRetries 3 -ErrorAction Stop } catch { $err = $_ }
            @(Get-TestRequest).Count | Should -Be 1
            $err.FullyQualifiedErrorId | Should -BeLike "InvokeMixtralChat$Id*"
            $err.ToString() | Should -Match 'no way'
        }

        It 'explains 401 and how to set a key, and stops the pipeline' {
            Add-TestReply @{ status = 401; body = '{"message":"Unauthorized","request_id":"r1"}'; repeat = 3 }
            { 'a', 'b' | Invoke-MixtralChat -ErrorAction Stop } | Should -Throw -ErrorId 'InvokeMixtralChatUnauthorized*'
            @(Get-TestRequest).Count | Should -Be 1
            try { Invoke-MixtralChat 'x' -ErrorAction Stop } catch { $err = $_ }
            $err.ErrorDetails.Message | Should -Match 'needs an API key'
            $err.ErrorDetails.RecommendedAction | Should -Match 'MISTRAL_API_KEY'
        }

        It 'reads the validation error body {"detail":[...]}' {
            Add-TestReply @{ status = 422; body = '{"detail":[{"type":"missing","loc":["body","messages"],"msg":"Field required","input":{}}]}' }
            Invoke-MixtralChat 'x' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].ToString() | Should -Match 'body\.messages: Field required'
        }

        It 'reports malformed JSON in a plain answer' {
            Add-TestReply @{ status = 200; body = '{"id": "x", "choices": [' }
            Invoke-MixtralChat 'x' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvokeMixtralChatInvalidResponse*'
        }

        It 'times out a silent server after each attempt' {
            Add-TestReply @{ delayMs = 5000; content = 'late'; repeat = 2 }
            Invoke-MixtralChat 'x' -TimeoutSec 1 -MaxRetries 1 -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvokeMixtralChatTimeout*'
            $e[0].ToString() | Should -Match '2 attempts'
        }

        It 'reports a server that cannot be reached' {
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
            Invoke-MixtralChat 'x' -Endpoint "http://127.0.0.1:$port" -MaxRetries 1 -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvokeMixtralChatConnectionFailed*'
            $e[0].ToString() | Should -Match '2 attempts'
        }

        It 'goes on with the next piped message after one fails, with -Each' {
            Add-TestReply @{ status = 400; body = '{"object":"error","message":"bad one","code":"1000"}' }
            $r = 'first', 'second' | Invoke-MixtralChat -Each -ThrottleLimit 1 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $r.Content | Should -Be 'Echo: second'
        }
    }

    Describe 'Invoke-MixtralChat, refusals before any request' {
        It 'refuses <Name>' -ForEach @(
            @{ Name = 'a temperature over 1.5'; Call = { Invoke-MixtralChat 'x' -Temperature 2 } }
            @{ Name = 'a negative seed'; Call = { Invoke-MixtralChat 'x' -RandomSeed -1 } }
            @{ Name = 'zero max tokens'; Call = { Invoke-MixtralChat 'x' -MaxTokens 0 } }
            @{ Name = 'top-p of zero'; Call = { Invoke-MixtralChat 'x' -TopP 0 } }
            @{ Name = 'an empty message'; Call = { Invoke-MixtralChat '' } }
            @{ Name = 'no message at all'; Call = { Invoke-MixtralChat } }
            @{ Name = 'an endpoint that is not an address'; Call = { Invoke-MixtralChat 'x' -Endpoint 'not a url' } }
        ) {
            { & $Call -ErrorAction Stop } | Should -Throw
            @(Get-TestRequest).Count | Should -Be 0
        }

        It 'refuses to send a key over http:// to a host that is not loopback' {
            $key = ConvertTo-SecureString 'sk-never-sent' -AsPlainText -Force
            { Invoke-MixtralChat 'x' -ApiKey $key -Endpoint 'http://models.example.invalid:8000' -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvokeMixtralChatUnsafeConfiguration*'
        }
    }

    Describe 'Invoke-MixtralChat, retired models' {
        It 'adds the replacement the models list names to the API''s message' {
            Invoke-MixtralChat 'x' -Model 'open-mixtral-8x22b' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvokeMixtralChatModelRetired*'
            $e[0].ToString() | Should -Match 'Invalid model: open-mixtral-8x22b'
            $e[0].ToString() | Should -Match 'retired on 2025-03-30'
            $e[0].ErrorDetails.RecommendedAction | Should -Match '-Model mistral-small-latest'
        }
    }

    Describe 'API key hygiene' {
        BeforeAll {
            $script:Secret = 'sk-test-' + [guid]::NewGuid().ToString('N')
        }

        It 'sends the key as a bearer token and never shows it in any stream, error, object or transcript' {
            Set-TestServerKey $script:Secret
            # A hostile server echoes the key back in its error message.
            Add-TestReply @{ status = 400; body = "{`"object`":`"error`",`"message`":`"bad key $script:Secret here`",`"code`":`"1`"}" }
            $transcript = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-$([guid]::NewGuid()).txt"
            $env:MISTRAL_API_KEY = $script:Secret
            Start-Transcript -Path $transcript | Out-Null
            try {
                $all = & {
                    $ErrorActionPreference = 'Continue'
                    Invoke-MixtralChat 'fails' -Verbose -Debug
                    Invoke-MixtralChat 'works' -Verbose -Debug
                    Invoke-MixtralChat 'streams' -Stream -Verbose
                } *>&1
            }
            finally {
                Stop-Transcript | Out-Null
                Remove-Item Env:MISTRAL_API_KEY
            }
            $requests = Get-TestRequest
            $requests[-1].headers.Authorization | Should -Be "Bearer $script:Secret"
            $text = ($all | ForEach-Object { $_; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString(); $_.ErrorDetails } } | Out-String) +
                ($all | Where-Object { $_ -is [MixtralPS.Core.Chat.ChatResponse] } | ConvertTo-Json -Depth 8) +
                (Get-Content -Raw $transcript)
            @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -Be 1
            @($all | Where-Object { $_ -is [MixtralPS.Core.Chat.ChatResponse] }).Count | Should -Be 2
            $text | Should -Not -Match ([regex]::Escape($script:Secret))
            $text | Should -Match 'bad key \*\*\* here'
            Remove-Item $transcript
        }

        It 'takes the key as a SecureString' {
            Set-TestServerKey $script:Secret
            $key = ConvertTo-SecureString $script:Secret -AsPlainText -Force
            (Invoke-MixtralChat 'x' -ApiKey $key).Content | Should -Be 'Echo: x'
        }

        It 'sends no Authorization header to a keyless server' {
            Invoke-MixtralChat 'x' | Out-Null
            (Get-TestRequest)[-1].headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        }
    }

    Describe 'Cancellation' {
        It 'stops at once when the pipeline is stopped, with no output or error' {
            Add-TestReply @{ delayMs = 60000; content = 'never' }
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$env:MIXTRALPS_TEST_MODULE'; `$env:MISTRAL_ENDPOINT = '$script:Url'; Invoke-MixtralChat 'wait' -TimeoutSec 120")
                $async = $ps.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(30)
                while (@(Get-TestRequest).Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                @(Get-TestRequest).Count | Should -Be 1
                $ps.Stop()
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $ps.Streams.Error.Count | Should -Be 0
                $stopped = $null
                try { $ps.EndInvoke($async) } catch { $stopped = $_.Exception.InnerException }
                $stopped | Should -BeOfType [System.Management.Automation.PipelineStoppedException]
            }
            finally { $ps.Dispose() }
        }

        It 'stops a stream in the middle' {
            Add-TestReply @{ content = 'a b c d e f'; chunks = @('a', ' b', ' c', ' d', ' e', ' f'); chunkDelayMs = 20000 }
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$env:MIXTRALPS_TEST_MODULE'; `$env:MISTRAL_ENDPOINT = '$script:Url'; Invoke-MixtralChat 'wait' -Stream")
                $async = $ps.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(30)
                while (@(Get-TestRequest).Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                $ps.Stop()
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $ps.Streams.Error.Count | Should -Be 0
            }
            finally { $ps.Dispose() }
        }
    }

    Describe 'Get-MixtralModel' {
        It 'lists the models with capabilities and retirement' {
            $models = Get-MixtralModel
            $models.Id | Should -Contain 'mistral-small-latest'
            $retired = $models | Where-Object Id -eq 'open-mixtral-8x22b'
            $retired.Deprecation.Year | Should -Be 2025
            $retired.DeprecationReplacementModel | Should -Be 'mistral-small-latest'
            ($models | Where-Object Id -eq 'mistral-small-latest').Capabilities.CompletionChat | Should -BeTrue
            ($models | Out-String) | Should -Match '2025-03-30'
        }

        It 'filters by wildcard and reports an unknown exact name' {
            (Get-MixtralModel 'mistral-*').Id | Should -Not -Contain 'codestral-latest'
            Get-MixtralModel 'no-such-model' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'GetMixtralModelNotFound*'
        }
    }

    Describe 'Tab completion of -Model' {
        It 'completes from the endpoint''s chat models' {
            $result = TabExpansion2 -inputScript 'Invoke-MixtralChat -Model mistral-sm' -cursorColumn 'Invoke-MixtralChat -Model mistral-sm'.Length
            $result.CompletionMatches.CompletionText | Should -Contain 'mistral-small-latest'
            $result.CompletionMatches.CompletionText | Should -Not -Contain 'open-mixtral-8x22b'
        }
    }
}
