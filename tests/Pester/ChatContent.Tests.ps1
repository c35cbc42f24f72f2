# Invoke-MixtralChat beyond text: images and documents, a reasoning model's thinking, -Prefix, -Prediction,
# -PromptMode; against the test server, which validates every request body against the official schema.
BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $env:MISTRAL_ENDPOINT = Get-TestServerUrl
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_MODEL -ErrorAction SilentlyContinue

    function Get-ChatRequest { @(Get-TestRequest | Where-Object path -eq '/v1/chat/completions') }
    function Get-LastBody { (Get-ChatRequest)[-1].body | ConvertFrom-Json -AsHashtable }
    function New-Png([string] $Name) {
        $path = Join-Path $TestDrive $Name
        [IO.File]::WriteAllBytes($path, [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3))
        $path
    }

    # A reasoning model's answer: its thinking in a ThinkChunk, a chunk type this client keeps without knowing it, then the text.
    $script:ThinkingBody = '{"id":"r1","object":"chat.completion","model":"magistral-small-latest","created":1,"choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"7 x 11 x 13 = 1001."}]},{"type":"file","file_id":"f-1"},{"type":"text","text":"No, 1001 is not prime."}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}}'
    $chunk = { param($content, $finish) '{"id":"r2","object":"chat.completion.chunk","model":"m","created":1,"choices":[{"index":0,"delta":{"content":' + $content + '},"finish_reason":' + $finish + '}]}' }
    $script:ThinkingSse = ((@(
            (& $chunk '[{"type":"thinking","thinking":[{"type":"text","text":"Seven "}]}]' 'null')
            (& $chunk '[{"type":"thinking","thinking":[{"type":"text","text":"divides it."}]}]' 'null')
            (& $chunk '"Not "' 'null')
            (& $chunk '"prime."' '"stop"')
        ) | ForEach-Object { "data: $_`n`n" }) -join '') + "data: [DONE]`n`n"

}

Describe 'Invoke-MixtralChat with more than text' {
    BeforeEach {
        Reset-TestServer
    }

    AfterEach {
        Assert-NoSchemaViolation
    }

    Describe 'images and documents' {
        It 'sends a local image as a data URL chunk after the text' {
            Invoke-MixtralChat 'What is in this chart?' -Image (New-Png 'chart.png') | Out-Null
            $content = (Get-LastBody).messages[-1].content
            $content[0].type | Should -Be 'text' -Because 'the text comes first'
            $content[0].text | Should -Be 'What is in this chart?'
            $content[1].type | Should -Be 'image_url'
            $content[1].image_url | Should -BeLike 'data:image/png;base64,iVBORw0KGgo*'
        }

        It 'passes image URLs on and names a local document' {
            $pdf = Join-Path $TestDrive 'report.pdf'
            Set-Content $pdf "%PDF-1.4`n%%EOF" -NoNewline
            Invoke-MixtralChat 'Summarise' -Image 'https://example.test/a.png' -Document $pdf | Out-Null
            $content = (Get-LastBody).messages[-1].content
            $content[1].image_url | Should -Be 'https://example.test/a.png'
            $content[2].type | Should -Be 'document_url'
            $content[2].document_url | Should -BeLike 'data:application/pdf;base64,*'
            $content[2].document_name | Should -Be 'report.pdf'
        }

        It 'refuses a file that is not an image, or is too large, before sending anything' {
            $fake = Join-Path $TestDrive 'photo.png'
            Set-Content $fake 'not an image'
            { Invoke-MixtralChat 'x' -Image $fake -ErrorAction Stop } | Should -Throw -ErrorId 'InvokeMixtralChatInvalidAttachment*'
            $huge = Join-Path $TestDrive 'huge.png'
            $stream = [IO.File]::Create($huge)
            try { $stream.Write([byte[]](0x89, 0x50, 0x4E, 0x47), 0, 4); $stream.SetLength(10MB + 1) } finally { $stream.Dispose() }
            $err = $null
            try { Invoke-MixtralChat 'x' -Image $huge -ErrorAction Stop } catch { $err = $_ }
            "$err" | Should -Match 'huge\.png'
            "$err" | Should -Match '10 MB'
            @(Get-TestRequest).Count | Should -Be 0
        }

        It 'attaches piped image files to one question, or one each with -Each' {
            $files = (New-Png 'a.png'), (New-Png 'b.png') | Get-Item
            $files | Invoke-MixtralChat 'Describe these' | Out-Null
            @(Get-ChatRequest).Count | Should -Be 1
            @((Get-LastBody).messages[-1].content | Where-Object type -eq 'image_url').Count | Should -Be 2

            Reset-TestServer
            $r = $files | Invoke-MixtralChat 'Describe this' -Each
            @(Get-ChatRequest).Count | Should -Be 2
            $r.Input.Name | Should -Be @('a.png', 'b.png')
        }

        It 'goes on after a piped image file that is not one' {
            $bad = Join-Path $TestDrive 'bad.png'
            Set-Content $bad 'text'
            (Get-Item $bad), (Get-Item (New-Png 'good.png')) | Invoke-MixtralChat 'Describe' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvokeMixtralChatInvalidAttachment*'
            @((Get-LastBody).messages[-1].content | Where-Object type -eq 'image_url').Count | Should -Be 1
        }

        It 'warns when the model list says the model takes no images' {
            Invoke-MixtralChat 'x' -Image (New-Png 'c.png') -Model codestral-latest -WarningVariable w -WarningAction SilentlyContinue | Out-Null
            "$w" | Should -Match 'codestral-latest takes no images'
            Invoke-MixtralChat 'x' -Image (New-Png 'd.png') -Model mistral-small-latest -WarningVariable w2 -WarningAction SilentlyContinue | Out-Null
            $w2 | Should -BeNullOrEmpty
        }
    }

    Describe 'reasoning' {
        It 'sends -PromptMode and keeps the thinking apart from the answer' {
            Add-TestReply @{ body = $script:ThinkingBody }
            $r = Invoke-MixtralChat 'Is 1001 prime?' -PromptMode reasoning
            (Get-LastBody).prompt_mode | Should -Be 'reasoning'
            $r.Content | Should -Be 'No, 1001 is not prime.'
            $r.Thinking | Should -Be '7 x 11 x 13 = 1001.'
            $r.Parts.Type | Should -Be @('thinking', 'file', 'text')
            "$r" | Should -Be 'No, 1001 is not prime.'
        }

        It 'continues a conversation with the thinking and unknown chunks sent back as they came' {
            Add-TestReply @{ body = $script:ThinkingBody }
            $r = Invoke-MixtralChat 'Is 1001 prime?'
            $r | Invoke-MixtralChat 'And 1003?' | Out-Null
            $assistant = (Get-LastBody).messages[1]
            $assistant.role | Should -Be 'assistant'
            $assistant.content.type | Should -Be @('thinking', 'file', 'text')
            $assistant.content[0].thinking[0].text | Should -Be '7 x 11 x 13 = 1001.'
        }

        It 'streams thinking apart from the answer' {
            Add-TestReply @{ rawSse = $script:ThinkingSse }
            $r = Invoke-MixtralChat 'Is 1001 prime?' -Stream
            $r.Content | Should -Be 'Not prime.'
            $r.Thinking | Should -Be 'Seven divides it.'
        }

        It 'shows the thinking only with -ShowThinking' {
            $shown = Get-ConsoleText "Invoke-MixtralChat 'q' -Stream -ShowThinking | Out-Null" -Replies @{ rawSse = $script:ThinkingSse }
            $shown | Should -Match 'Seven divides it\.'
            $shown | Should -Match 'Not prime\.'
            Reset-TestServer
            $hidden = Get-ConsoleText "Invoke-MixtralChat 'q' -Stream | Out-Null" -Replies @{ rawSse = $script:ThinkingSse }
            $hidden | Should -Not -Match 'Seven'
            $hidden | Should -Match 'Not prime\.'
            Reset-TestServer
            $plain = Get-ConsoleText "Invoke-MixtralChat 'q' -ShowThinking | Out-Null" -Replies @{ body = $script:ThinkingBody }
            $plain | Should -Match '7 x 11 x 13'
        }
    }

    Describe 'the start of the answer' {
        It 'sends -Prefix as the assistant prefix message and the answer starts with it once' {
            Add-TestReply @{ content = 'Comté", "Brie"]' }, @{ content = '["Comté", "Brie"]' }
            $r = Invoke-MixtralChat 'Two cheeses as a JSON array' -Prefix '["'
            $last = (Get-LastBody).messages[-1]
            $last.role | Should -Be 'assistant'
            $last.prefix | Should -BeTrue
            $last.content | Should -Be '["'
            $r.Content | Should -Be '["Comté", "Brie"]'
            $r.History.role | Should -Be @('user', 'assistant')
            (Invoke-MixtralChat 'Again' -Prefix '["').Content | Should -Be '["Comté", "Brie"]' -Because 'a server that repeats the prefix is not doubled'
        }

        It 'shows a streamed answer with its prefix once' {
            $out = Get-ConsoleText "Invoke-MixtralChat 'q' -Stream -Prefix 'Answer:' | Out-Null" -Replies @{ content = 'Answer: yes' }
            ([regex]::Matches($out, 'Answer:')).Count | Should -Be 1
            $out | Should -Match 'Answer: yes'
        }

        It 'sends -Prediction as predicted output' {
            Invoke-MixtralChat 'Fix the typo' -Prediction 'Helo world' | Out-Null
            (Get-LastBody).prediction.type | Should -Be 'content'
            (Get-LastBody).prediction.content | Should -Be 'Helo world'
        }
    }
}
