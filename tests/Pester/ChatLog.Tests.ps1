# The chat log: every chat saved to SQLite in MIXTRALPS_HOME, continued with -Continue / -ConversationId, found with
# Get-MixtralChatLog, removed with Remove-MixtralChatLog; parallel writers lose nothing, and the key is never saved.
BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $script:Url = Get-TestServerUrl
    $env:MISTRAL_ENDPOINT = $script:Url
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_MODEL -ErrorAction SilentlyContinue
    $script:SavedHome = $env:MIXTRALPS_HOME

    function Get-ChatBodies {
        @(Get-TestRequest | Where-Object path -eq '/v1/chat/completions' | ForEach-Object { $_.body | ConvertFrom-Json -AsHashtable })
    }

    function Get-Answer {
        <#
        .SYNOPSIS
        Answers a question.
        #>
        param([Parameter(Mandatory)] [string] $Question)
        42
    }
}

AfterAll {
    $env:MIXTRALPS_HOME = $script:SavedHome
}

Describe 'The chat log' {
    BeforeEach {
        Reset-TestServer
        # Each test starts with an empty log of its own.
        $env:MIXTRALPS_HOME = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-log-$([guid]::NewGuid().ToString('N'))"
        Remove-Variable MixtralChatLogPreference -Scope Global -ErrorAction SilentlyContinue
    }

    AfterEach {
        Assert-NoSchemaViolation
        Remove-Variable MixtralChatLogPreference -Scope Global -ErrorAction SilentlyContinue
        Remove-Item $env:MIXTRALPS_HOME -Recurse -Force -ErrorAction SilentlyContinue
    }

    Context 'Saving' {
        It 'saves each answer with its model, tokens, duration and endpoint host, in the data folder' {
            Add-TestReply @{ content = 'Sea otters have the densest fur.'; delayMs = 150 }
            $r = Invoke-MixtralChat 'How do sea otters keep warm?'
            $r.ConversationId | Should -BeGreaterThan 0
            Test-Path (Join-Path $env:MIXTRALPS_HOME 'chat-log.db') | Should -BeTrue

            $entry = Get-MixtralChatLog
            $entry | Should -HaveCount 1
            $entry.GetType().FullName | Should -Be 'MixtralPS.Core.Chat.Log.ChatLogEntry'
            $entry.ConversationId | Should -Be $r.ConversationId
            $entry.Ordinal | Should -Be 1
            $entry.Prompt | Should -Be 'How do sea otters keep warm?'
            $entry.Answer | Should -Be 'Sea otters have the densest fur.'
            $entry.Model | Should -Be 'mistral-small-latest'
            $entry.PromptTokens | Should -Be $r.Usage.PromptTokens
            $entry.CompletionTokens | Should -Be $r.Usage.CompletionTokens
            $entry.Duration.TotalMilliseconds | Should -BeGreaterOrEqual 150
            $entry.Endpoint | Should -Be ([uri]$script:Url).Authority
            $entry.FinishReason | Should -Be 'stop'
        }

        It 'records the tool calls run on the way to the answer' {
            Add-TestReply @{ toolCalls = @(@{ id = 'call-1'; name = 'Get-Answer'; arguments = '{"Question":"life"}' }) }, @{ content = 'The answer is 42.' }
            $r = Invoke-MixtralChat 'What is the answer?' -Tool (Get-Command Get-Answer) -InvokeTools Auto -WarningAction SilentlyContinue
            $entry = Get-MixtralChatLog -Last 1
            $entry.Answer | Should -Be 'The answer is 42.'
            $entry.ToolCalls | Should -Be @('Get-Answer({"Question":"life"}) -> Succeeded')
            ($entry.ToolCallsJson | ConvertFrom-Json).result | Should -Match '42'
            $entry.PromptTokens | Should -Be $r.Usage.PromptTokens
        }

        It 'saves each answer of -Each as a conversation of its own' {
            $answers = 'alpha', 'beta', 'gamma' | Invoke-MixtralChat -Each -Message 'Say it back:'
            $entries = Get-MixtralChatLog
            $entries | Should -HaveCount 3
            @($entries.ConversationId | Sort-Object -Unique) | Should -HaveCount 3
            @($answers.ConversationId | Sort-Object) | Should -Be @($entries.ConversationId | Sort-Object)
            $entries.Ordinal | Should -Be @(1, 1, 1)
        }

        It 'saves nothing with -NoLog' {
            $r = Invoke-MixtralChat 'Keep this to yourself' -NoLog
            $r.PSObject.Properties['ConversationId'] | Should -BeNullOrEmpty
            Test-Path (Join-Path $env:MIXTRALPS_HOME 'chat-log.db') | Should -BeFalse
            Get-MixtralChatLog | Should -BeNullOrEmpty
        }

        It 'saves nothing while $MixtralChatLogPreference is Disabled, and saves again when Enabled' {
            $global:MixtralChatLogPreference = 'Disabled'
            Invoke-MixtralChat 'not saved' | Out-Null
            Get-MixtralChatLog | Should -BeNullOrEmpty
            $global:MixtralChatLogPreference = 'Enabled'
            Invoke-MixtralChat 'saved' | Out-Null
            (Get-MixtralChatLog).Prompt | Should -Be 'saved'
        }

        It 'warns of an unknown preference value and saves' {
            $global:MixtralChatLogPreference = 'Sometimes'
            Invoke-MixtralChat 'saved anyway' -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
            "$warnings" | Should -Match 'neither Enabled nor Disabled'
            (Get-MixtralChatLog).Prompt | Should -Be 'saved anyway'
        }

        It 'still answers, with a warning, when the log cannot be written' {
            # The data folder is a file: no database can be made in it.
            Set-Content $env:MIXTRALPS_HOME 'not a folder'
            $r = Invoke-MixtralChat 'Still there?' -WarningVariable warnings -WarningAction SilentlyContinue
            $r.Content | Should -Be 'Echo: Still there?'
            "$warnings" | Should -Match 'The chat was not saved'
            $answers = 'a', 'b', 'c' | Invoke-MixtralChat -Each -WarningVariable eachWarnings -WarningAction SilentlyContinue
            $answers | Should -HaveCount 3
            $eachWarnings | Should -HaveCount 1
        }

        It 'never saves the API key, from the environment or -ApiKey, nor the Authorization header' {
            $envKey = 'sk-envkey-7f3e9b2c41d84a6e'
            $paramKey = 'sk-paramkey-91c0d4e7a2b8f365'
            try {
                $env:MISTRAL_API_KEY = $envKey
                Set-TestServerKey $envKey
                Add-TestReply @{ content = "Your key is $envKey, keep it safe." }
                Invoke-MixtralChat "Remember my key $envKey please" | Out-Null
                Set-TestServerKey $paramKey
                $secure = ConvertTo-SecureString $paramKey -AsPlainText -Force
                Invoke-MixtralChat -Continue "And this one: $paramKey" -ApiKey $secure | Out-Null
            }
            finally {
                Remove-Item Env:MISTRAL_API_KEY -ErrorAction SilentlyContinue
                Set-TestServerKey $null
            }

            (Get-MixtralChatLog) | Should -HaveCount 2
            $files = Get-ChildItem $env:MIXTRALPS_HOME -File
            $files.Name | Should -Contain 'chat-log.db'
            foreach ($file in $files) {
                $bytes = [IO.File]::ReadAllBytes($file.FullName)
                foreach ($encoding in [Text.Encoding]::UTF8, [Text.Encoding]::Unicode) {
                    $text = $encoding.GetString($bytes)
                    foreach ($secret in $envKey, $paramKey, 'envkey-7f3e9b2c', 'paramkey-91c0d4e7', 'Bearer') {
                        $text.Contains($secret) | Should -BeFalse -Because "$($file.Name) must not hold '$secret'"
                    }
                }
            }
        }
    }

    Context 'Going on with a conversation' {
        It 'goes on with the newest conversation with -Continue' {
            $first = Invoke-MixtralChat 'Name three colours of the sea.' -SystemPrompt 'Answer briefly.'
            $next = Invoke-MixtralChat -Continue 'And in French?'
            $next.ConversationId | Should -Be $first.ConversationId
            $sent = (Get-ChatBodies)[-1].messages
            $sent.role | Should -Be @('system', 'user', 'assistant', 'user')
            $sent.content | Should -Be @('Answer briefly.', 'Name three colours of the sea.', 'Echo: Name three colours of the sea.', 'And in French?')
            $entries = Get-MixtralChatLog -ConversationId $first.ConversationId
            $entries.Ordinal | Should -Be @(2, 1)
            $entries[0].Prompt | Should -Be 'And in French?'
        }

        It 'goes on with a given conversation with -ConversationId, not the newest' {
            $old = Invoke-MixtralChat 'My name is Ada.'
            Invoke-MixtralChat 'Something else entirely.' | Out-Null
            $r = Invoke-MixtralChat -ConversationId $old.ConversationId 'What is my name?'
            $r.ConversationId | Should -Be $old.ConversationId
            (Get-ChatBodies)[-1].messages.content | Should -Be @('My name is Ada.', 'Echo: My name is Ada.', 'What is my name?')
            (Get-MixtralChatLog -ConversationId $old.ConversationId).Count | Should -Be 2
        }

        It 'saves as a new conversation when the messages sent no longer begin with the saved ones' {
            $first = Invoke-MixtralChat 'Hello' -SystemPrompt 'Be brief.'
            $r = Invoke-MixtralChat -Continue 'Again' -SystemPrompt 'Be verbose.'
            $r.ConversationId | Should -Not -Be $first.ConversationId
            (Get-MixtralChatLog -ConversationId $r.ConversationId).Ordinal | Should -Be 1
        }

        It 'fails clearly when there is nothing to continue, or no such conversation' {
            { Invoke-MixtralChat -Continue 'and then?' } | Should -Throw -ErrorId 'InvokeMixtralChatConversationNotFound,*'
            Invoke-MixtralChat 'first' | Out-Null
            { Invoke-MixtralChat -ConversationId 999 'and then?' } | Should -Throw -ErrorId 'InvokeMixtralChatConversationNotFound,*'
            { 'a', 'b' | Invoke-MixtralChat -Each -Continue } | Should -Throw -ErrorId 'InvokeMixtralChatContinueConflict,*'
            @(Get-ChatBodies).Count | Should -Be 1
        }

        It 'continues but saves nothing with -Continue -NoLog' {
            Invoke-MixtralChat 'first' | Out-Null
            Invoke-MixtralChat -Continue 'second' -NoLog | Out-Null
            (Get-ChatBodies)[-1].messages.Count | Should -Be 3
            (Get-MixtralChatLog).Count | Should -Be 1
        }
    }

    Context 'Finding' {
        BeforeEach {
            foreach ($prompt in 'How do sea otters keep warm?', 'Bake a sourdough loaf', 'Which otter lives in rivers?', 'Quote "this" AND (that) OR NEAR') {
                Invoke-MixtralChat $prompt | Out-Null
            }
        }

        It 'finds prompts and answers by every word, stemmed, newest first' {
            $found = Get-MixtralChatLog -Search 'otter'
            $found.Prompt | Should -Be @('Which otter lives in rivers?', 'How do sea otters keep warm?')
            (Get-MixtralChatLog -Search 'Otters RIVERS').Prompt | Should -Be 'Which otter lives in rivers?'
            Get-MixtralChatLog -Search 'otter sourdough' | Should -BeNullOrEmpty
            (Get-MixtralChatLog -Search 'echo loaf').Prompt | Should -Be 'Bake a sourdough loaf'
        }

        It 'takes query syntax in a search as words' {
            (Get-MixtralChatLog -Search '"this" AND (that').Prompt | Should -Be 'Quote "this" AND (that) OR NEAR'
            Get-MixtralChatLog -Search '*:(' | Should -BeNullOrEmpty
        }

        It 'returns the newest N with -Last, and 20 by default' {
            (Get-MixtralChatLog -Last 2).Prompt | Should -Be @('Quote "this" AND (that) OR NEAR', 'Which otter lives in rivers?')
            1..18 | ForEach-Object { "filler $_" } | Invoke-MixtralChat -Each | Out-Null
            (Get-MixtralChatLog).Count | Should -Be 20
            (Get-MixtralChatLog -Last 100).Count | Should -Be 22
        }

        It 'completes -ConversationId with the conversations used last, and their first prompt' {
            $ids = @(Get-MixtralChatLog -Last 2).ConversationId
            foreach ($line in 'Invoke-MixtralChat -ConversationId ', 'Get-MixtralChatLog -ConversationId ', 'Remove-MixtralChatLog ') {
                $matches = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
                @($matches.CompletionText)[0..1] | Should -Be ($ids | ForEach-Object { "$_" })
                $matches[0].ListItemText | Should -Match 'Quote "this" AND'
            }
        }

        It 'shows entries as a table of conversation, prompt and answer' {
            $table = Get-MixtralChatLog -Last 1 | Out-String -Width 200
            $table | Should -Match 'Conversation'
            $table | Should -Match 'Quote "this" AND \(that\) OR NEAR'
            $table | Should -Match 'Echo: Quote'
        }
    }

    Context 'Removing' {
        BeforeEach {
            $script:Kept = Invoke-MixtralChat 'keep me'
            $script:Gone = Invoke-MixtralChat 'remove me'
            Invoke-MixtralChat -Continue 'remove me too' | Out-Null
        }

        It 'removes nothing with -WhatIf' {
            Remove-MixtralChatLog -ConversationId $script:Gone.ConversationId -WhatIf
            (Get-MixtralChatLog).Count | Should -Be 3
        }

        It 'removes a conversation, its exchanges and its search entries with -Confirm:$false' {
            Remove-MixtralChatLog $script:Gone.ConversationId -Confirm:$false
            (Get-MixtralChatLog).Prompt | Should -Be 'keep me'
            Get-MixtralChatLog -Search 'remove' | Should -BeNullOrEmpty
            { Invoke-MixtralChat -ConversationId $script:Gone.ConversationId 'back?' } | Should -Throw -ErrorId 'InvokeMixtralChatConversationNotFound,*'
        }

        It 'removes the conversations of piped entries once each' {
            $removed = Get-MixtralChatLog -Search remove | Remove-MixtralChatLog -Confirm:$false -Verbose 4>&1 | Where-Object { "$_" -like 'Removed *' }
            $removed | Should -HaveCount 1
            (Get-MixtralChatLog).Prompt | Should -Be 'keep me'
        }

        It 'writes an error for an unknown id and goes on with the others' {
            Remove-MixtralChatLog 999, $script:Kept.ConversationId -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'RemoveMixtralChatLogNotFound,*'
            (Get-MixtralChatLog).Prompt | Should -Not -Contain 'keep me'
        }

        It 'removes everything with -All' {
            Remove-MixtralChatLog -All -Confirm:$false
            Get-MixtralChatLog | Should -BeNullOrEmpty
        }
    }
}
