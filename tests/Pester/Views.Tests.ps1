# Every object the cmdlets output, and the ones users display from a chat response, has a view that shows its key
# fields, and a string form that means something.
BeforeDiscovery {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    $script:OutputTypes = @(Get-Command -Module MixtralPS | ForEach-Object OutputType | ForEach-Object Type |
        Where-Object { $_ -and $_ -ne [string] } | ForEach-Object FullName | Sort-Object -Unique)
    # Not output by a cmdlet, but shown as they are: $response.History, .ToolCalls, .ToolRuns.
    $script:NestedTypes = 'MixtralPS.Core.Models.ChatMessage', 'MixtralPS.Core.Tools.ToolCallRequest', 'MixtralPS.Core.Tools.ToolRun'

    # Per type: what its table must show (regexes, about the sample below) and what its string must be.
    $script:Cases = @(
        @{ Type = 'MixtralPS.Core.Chat.ChatResponse'; Shows = 'Model', 'Tokens', 'Claude Monet painted the Water Lilies\.'; String = { param($o) $o.Content } }
        @{ Type = 'MixtralPS.Core.Models.ModelCard'; Shows = 'Id', 'Context', 'mistral-small-latest'; String = { param($o) $o.Id } }
        @{ Type = 'MixtralPS.Core.Embeddings.TextEmbedding'; Shows = 'all-MiniLM-L6-v2', '384', 'The quick brown fox', '\[-?\d\.\d{3}, -?\d\.\d{3}, -?\d\.\d{3}, …\]'; String = { 'all-MiniLM-L6-v2 embedding (384 dimensions) of "The quick brown fox"' } }
        @{ Type = 'MixtralPS.Core.Similarity.TextSimilarity'; Shows = 'Cosine', '\d\.\d{3}', 'How do I reset my password\?'; String = { param($o) '{0} {1}: "{2}" ~ "{3}"' -f $o.Cosine.ToString('0.000'), $(if ($o.IsParaphrase) { 'paraphrase' } else { 'different' }), $o.Text1, $o.Text2 } }
        @{ Type = 'MixtralPS.Core.Rag.RagIndexSummary'; Shows = 'Added', 'Documents', 'Chunks', 'views\.ragidx'; String = { param($o) "$($o.Path): 2 added, 0 updated, 0 unchanged, 0 removed, 0 failed; 2 chunks embedded, 0 reused; 2 documents, 2 chunks (all-MiniLM-L6-v2)" } }
        @{ Type = 'MixtralPS.Core.Rag.RagContextChunk'; Shows = 'Rank', 'Score', 'otters\.md', 'Sea otters keep warm'; String = { param($o) $o.Text } }
        @{ Type = 'MixtralPS.Core.Rag.Evaluation.RetrievalQuality'; Shows = 'Mode', 'NDCG10', 'MedianMs', 'Hybrid\s+1\s+1\.0000\s+1\.0000\s+1\.0000\s+1\.000\s+1\.000\s+\d+\.\d'; String = { 'Hybrid: nDCG@10 1.0000, Recall@10 1.0000, MRR@10 1.0000, Hit@1 1.000, Hit@5 1.000 over 1 queries' } }
        @{ Type = 'MixtralPS.Core.Rag.Evaluation.RetrievalQueryResult'; Shows = 'Rank', 'Vector', 'Keyword', 'Hybrid\s+1\s+1\s+1 How do otters stay warm\?', 'otters\.md'; String = { 'Hybrid [1] rank 1: How do otters stay warm?' } }
        @{ Type = 'MixtralPS.Core.Models.ChatMessage'; Shows = 'Role', 'user', 'assistant', 'tool', 'What is the answer\?'; String = { param($o) "$($o.Role): $($o.Content)" } }
        @{ Type = 'MixtralPS.Core.Tools.ToolCallRequest'; Shows = 'call-1', "Get-Answer\(Question='life'\)"; String = { "Get-Answer(Question='life')" } }
        @{ Type = 'MixtralPS.Core.Tools.ToolRun'; Shows = 'Round', 'Succeeded', "Get-Answer\(Question='life'\)", '42'; String = { "Get-Answer(Question='life') -> Succeeded" } }
        @{ Type = 'MixtralPS.Core.Chat.Log.ChatLogEntry'; Shows = 'Conversation', 'Tokens', 'Who painted the Water Lilies\?', 'Claude Monet painted the Water Lilies\.'; String = { param($o) "[$($o.ConversationId).$($o.Ordinal)] Who painted the Water Lilies?" } }
        @{ Type = 'MixtralPS.Core.CommandRequests.CommandSuggestion'; Shows = 'Valid', 'Changes', 'yes\s+1 Get-ChildItem \*\.tmp \| Remove-Item', 'Deletes the temporary files\.'; String = { param($o) $o.Command } }
    )
}

BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $env:MISTRAL_ENDPOINT = Get-TestServerUrl
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_MODEL, Env:MIXTRAL_EMBED_MODEL -ErrorAction SilentlyContinue
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-views-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $script:Work | Out-Null

    function Get-Answer {
        <#
        .SYNOPSIS
        Answers a question.
        #>
        param([Parameter(Mandatory)] [string] $Question)
        42
    }

    # One real instance of each type, made the way a user would.
    Reset-TestServer
    Add-TestReply @{ content = 'Claude Monet painted the Water Lilies.' }
    $chat = Invoke-MixtralChat 'Who painted the Water Lilies?'
    Add-TestReply @{ toolCalls = @(@{ id = 'call-1'; name = 'Get-Answer'; arguments = '{"Question":"life"}' }) }, @{ content = 'The answer is 42.' }
    $tools = Invoke-MixtralChat 'What is the answer?' -Tool (Get-Command Get-Answer) -InvokeTools Auto -WarningAction SilentlyContinue
    $otters = Join-Path $script:Work 'otters.md'
    Set-Content $otters 'Sea otters keep warm in cold water with the densest fur of any animal.'
    Set-Content (Join-Path $script:Work 'bread.txt') 'Sourdough bread proofs best at about 24 degrees Celsius.'
    $index = Join-Path $script:Work 'views.ragidx'
    Add-TestReply @{ content = '{"command": "Get-ChildItem *.tmp | Remove-Item", "explanation": "Deletes the\n temporary files."}' }
    $suggestion = Resolve-MixtralCommand 'delete the temporary files'
    $script:Samples = @{
        'MixtralPS.Core.Chat.ChatResponse'         = $chat
        'MixtralPS.Core.Models.ModelCard'          = Get-MixtralModel 'mistral-small-latest'
        'MixtralPS.Core.Embeddings.TextEmbedding'  = Get-MixtralEmbedding 'The quick brown fox'
        'MixtralPS.Core.Similarity.TextSimilarity' = Compare-TextSimilarity 'How do I reset my password?', 'I forgot my password, how do I change it?' | Select-Object -First 1
        'MixtralPS.Core.Rag.RagIndexSummary'       = Get-ChildItem $script:Work -File | New-RagIndex -Path $index
        'MixtralPS.Core.Rag.RagContextChunk'       = Find-RagContext 'How do otters stay warm?' -Path $index -Top 1
        'MixtralPS.Core.Rag.Evaluation.RetrievalQuality' = [pscustomobject]@{ Query = 'How do otters stay warm?'; Expected = 'otters.md' } | Test-RagIndex -Path $index -Mode Hybrid
        'MixtralPS.Core.Rag.Evaluation.RetrievalQueryResult' = [pscustomobject]@{ Query = 'How do otters stay warm?'; Expected = 'otters.md' } | Test-RagIndex -Path $index -Mode Hybrid -PerQuery | Where-Object QueryId
        'MixtralPS.Core.Models.ChatMessage'        = $tools.History
        'MixtralPS.Core.Tools.ToolCallRequest'     = $tools.ToolRuns[0].Call
        'MixtralPS.Core.Tools.ToolRun'             = $tools.ToolRuns
        'MixtralPS.Core.CommandRequests.CommandSuggestion' = $suggestion
        'MixtralPS.Core.Chat.Log.ChatLogEntry'     = Get-MixtralChatLog -Search 'Monet Water Lilies' -Last 1
    }
}

AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Views and string forms' {
    It 'finds the output types of the cmdlets' -ForEach @{ Types = $script:OutputTypes } {
        $Types | Should -Contain 'MixtralPS.Core.Rag.RagContextChunk'
        $Types.Count | Should -BeGreaterOrEqual 6
    }

    # A new output type fails here until it has a case (and so a sample, its key fields and its string).
    It 'has a sample and expectations for <Name>' -ForEach @($script:OutputTypes + $script:NestedTypes | ForEach-Object { @{ Name = $_; Covered = @($script:Cases.Type) -contains $_ } }) {
        $Covered | Should -BeTrue
    }

    It 'has a table or list view for <_>' -ForEach ($script:OutputTypes + $script:NestedTypes) {
        $controls = (Get-FormatData -TypeName $_ -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition.Control
        @($controls | Where-Object { $_ -is [System.Management.Automation.TableControl] -or $_ -is [System.Management.Automation.ListControl] }) |
            Should -Not -BeNullOrEmpty
    }

    It 'renders <Type> as a table with its key fields' -ForEach $script:Cases {
        $sample = $script:Samples[$Type]
        @($sample)[0].GetType().FullName | Should -Be $Type
        # -DisplayError: a failing script block in the view shows as #ERR instead of an empty cell.
        $table = $sample | Format-Table -DisplayError | Out-String -Width 250
        $table | Should -Not -Match '#ERR'
        foreach ($pattern in $Shows) { $table | Should -Match $pattern }
        $default = $sample | Out-String -Width 250
        $default | Should -Not -BeNullOrEmpty
        $default | Should -Not -Match '#ERR'
    }

    It 'turns <Type> into a meaningful string' -ForEach $script:Cases {
        $sample = @($script:Samples[$Type])[0]
        $sample.ToString() | Should -BeExactly (& $String $sample)
        "$sample" | Should -BeExactly $sample.ToString()
        $sample.ToString() | Should -Not -Match "`n"
    }

    It 'abbreviates the embedding vector and a long text in the embedding''s string' {
        $embedding = $script:Samples['MixtralPS.Core.Embeddings.TextEmbedding']
        ([regex]::Matches(($embedding | Out-String -Width 250), '-?\d\.\d{3}')).Count | Should -Be 3
        $long = Get-MixtralEmbedding ('word ' * 40)
        "$long" | Should -Match '^all-MiniLM-L6-v2 embedding \(384 dimensions\) of "(word ){9}word…"$'
    }

    It 'shows a chat answer as its text by default' {
        ($script:Samples['MixtralPS.Core.Chat.ChatResponse'] | Out-String).Trim() | Should -Be 'Claude Monet painted the Water Lilies.'
    }

    It 'shows an index summary as a list by default' {
        $list = $script:Samples['MixtralPS.Core.Rag.RagIndexSummary'] | Out-String -Width 250
        $list | Should -Match 'Model\s+: all-MiniLM-L6-v2'
        $list | Should -Match 'Changes\s+: 2 added, 0 updated, 0 unchanged, 0 removed, 0 failed'
        $list | Should -Match 'Holds\s+: 2 documents, 2 chunks'
    }
}
