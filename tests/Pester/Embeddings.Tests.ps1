BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $script:Url = Get-TestServerUrl
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_EMBED_MODEL, Env:MISTRAL_ENDPOINT -ErrorAction SilentlyContinue

    function Get-EmbeddingRequestBody {
        Get-TestRequest | Where-Object path -eq '/v1/embeddings' | ForEach-Object { $_.body | ConvertFrom-Json -AsHashtable }
    }

    $script:Zidane = @(
        "What led to Zidane's ban from football?"
        'This is a totally different sentence.'
        'What caused Zidane to get banned from football?'
    )
}

Describe 'Embeddings' {
    BeforeEach {
        Reset-TestServer
    }

    AfterEach {
        Assert-NoSchemaViolation
    }

    Describe 'Get-MixtralEmbedding with the local model' {
        It 'embeds offline with all-MiniLM-L6-v2 by default' {
            $e = Get-MixtralEmbedding 'The quick brown fox'
            $e.Model | Should -Be 'all-MiniLM-L6-v2'
            $e.Dimensions | Should -Be 384
            $e.Vector.GetType() | Should -Be ([float[]])
            $e.Index | Should -Be 0
            $e.TokenCount | Should -Be 6   # [CLS] the quick brown fox [SEP]
            $e.Truncated | Should -BeFalse
            # L2-normalised
            [math]::Sqrt(($e.Vector | ForEach-Object { $_ * $_ } | Measure-Object -Sum).Sum) | Should -BeGreaterThan 0.999
            @(Get-TestRequest).Count | Should -Be 0
        }

        It 'keeps input order and indexes across batches, with the same vectors as one at a time' {
            $texts = 1..70 | ForEach-Object { "sentence number $_ about " + ('word ' * ($_ % 13)) }
            $all = $texts | Get-MixtralEmbedding -BatchSize 16
            $all.Count | Should -Be 70
            $all.Index | Should -Be (0..69)
            $all.Text | Should -Be $texts
            $single = Get-MixtralEmbedding $texts[41]
            $all[41].Vector | Should -Be $single.Vector
        }

        It 'writes an error for an empty text and goes on with the others' {
            $r = 'first', '', '   ', 'last' | Get-MixtralEmbedding -ErrorVariable e -ErrorAction SilentlyContinue
            $r.Text | Should -Be @('first', 'last')
            $r.Index | Should -Be @(0, 3)
            $e.Count | Should -Be 2
            $e[0].FullyQualifiedErrorId | Should -BeLike 'GetMixtralEmbeddingEmptyText*'
        }

        It 'truncates at 256 tokens by default and at -MaxTokens when given' {
            $long = 'token ' * 600
            $short = Get-MixtralEmbedding $long
            $short.Truncated | Should -BeTrue
            $short.TokenCount | Should -Be 256
            $full = Get-MixtralEmbedding $long -MaxTokens 512
            $full.TokenCount | Should -Be 512
        }

        It 'lists the known models for an unknown one' {
            { Get-MixtralEmbedding 'x' -Model 'no-such-model' -ErrorAction Stop } |
                Should -Throw -ErrorId 'GetMixtralEmbeddingUnknownModel*'
            try { Get-MixtralEmbedding 'x' -Model 'no-such-model' -ErrorAction Stop } catch { $_.ToString() | Should -Match 'all-MiniLM-L6-v2.*snowflake-arctic-embed-xs.*mistral-embed' }
        }

        It 'uses $env:MIXTRAL_EMBED_MODEL' {
            $env:MIXTRAL_EMBED_MODEL = 'snowflake-arctic-embed-xs'
            try { (Get-MixtralEmbedding 'x').Model | Should -Be 'snowflake-arctic-embed-xs' }
            finally { Remove-Item Env:MIXTRAL_EMBED_MODEL }
        }

        It 'embeds queries with the model''s query prefix' {
            $doc = Get-MixtralEmbedding 'solar panels' -Model snowflake-arctic-embed-xs
            $query = Get-MixtralEmbedding 'solar panels' -Model snowflake-arctic-embed-xs -AsQuery
            $query.TokenCount | Should -BeGreaterThan $doc.TokenCount
            $query.Vector | Should -Not -Be $doc.Vector
            # all-MiniLM-L6-v2 has no prefix: the same vector either way
            (Get-MixtralEmbedding 'solar panels' -AsQuery).Vector | Should -Be (Get-MixtralEmbedding 'solar panels').Vector
        }

        It 'refuses -MaxTokens beyond the model''s 512 positions before loading anything' {
            { Get-MixtralEmbedding 'x' -MaxTokens 513 -ErrorAction Stop } | Should -Throw
        }

        It 'shows a table with the head of the vector' {
            $out = Get-MixtralEmbedding 'hello world' | Out-String
            $out | Should -Match '\[-?0\.\d{3}, -?0\.\d{3}, -?0\.\d{3}, …\]'
            $out | Should -Match 'hello world'
        }
    }

    Describe 'Get-MixtralEmbedding with mistral-embed' {
        BeforeAll {
            $script:Api = @{ Model = 'mistral-embed'; Endpoint = $script:Url }
        }

        It 'returns 1024-dimension vectors in input order' {
            $r = 'alpha', 'beta', 'gamma' | Get-MixtralEmbedding @script:Api
            $r.Dimensions | Should -Be @(1024, 1024, 1024)
            $r.Text | Should -Be @('alpha', 'beta', 'gamma')
            $r.Model | Select-Object -Unique | Should -Be 'mistral-embed'
            $bodies = @(Get-EmbeddingRequestBody)
            $bodies.Count | Should -Be 1
            $bodies[0].input | Should -Be @('alpha', 'beta', 'gamma')
            $bodies[0].model | Should -Be 'mistral-embed'
        }

        It 'batches at most 512 inputs per request' {
            $texts = 1..1100 | ForEach-Object { "t$_" }
            $r = $texts | Get-MixtralEmbedding @script:Api
            $r.Count | Should -Be 1100
            $r.Text | Should -Be $texts
            $sizes = @(Get-EmbeddingRequestBody | ForEach-Object { $_.input.Count })
            $sizes.Count | Should -Be 3
            ($sizes | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 512
            ($sizes | Measure-Object -Sum).Sum | Should -Be 1100
        }

        It 'batches by estimated tokens and by a settable input count' {
            $texts = 1..40 | ForEach-Object { "text $_ " + ('lorem ipsum dolor ' * 20) }
            $r = $texts | Get-MixtralEmbedding @script:Api -MaxBatchTokens 500 -MaxBatchInputs 8
            $r.Text | Should -Be $texts
            $bodies = @(Get-EmbeddingRequestBody)
            $bodies.Count | Should -BeGreaterOrEqual 10
            $bodies | ForEach-Object { $_.input.Count | Should -BeLessOrEqual 8 }
        }

        It 'retries a failed request in the middle of a batch and keeps every vector in place' {
            Add-TestReply @{ path = '/v1/embeddings'; status = 503; body = '{"object":"error","message":"busy"}' }
            $texts = 1..30 | ForEach-Object { "retry text $_" }
            $r = $texts | Get-MixtralEmbedding @script:Api -MaxBatchInputs 10 -ThrottleLimit 1
            $r.Text | Should -Be $texts
            @(Get-EmbeddingRequestBody).Count | Should -Be 4
            # Deterministic server vectors: the same text gets the same vector whatever its batch.
            (Get-MixtralEmbedding 'retry text 17' @script:Api).Vector | Should -Be $r[16].Vector
        }

        It 'reports a failed batch once and goes on with the next' {
            Add-TestReply @{ path = '/v1/embeddings'; status = 400; body = '{"object":"error","message":"Input too long","code":"3210"}' }
            $texts = 1..20 | ForEach-Object { "t$_" }
            $r = $texts | Get-MixtralEmbedding @script:Api -BatchSize 10 -MaxBatchInputs 10 -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].ToString() | Should -Match 'Input too long'
            $e[0].TargetObject | Should -Be 'texts 0 to 9'
            $r.Text | Should -Be $texts[10..19]
        }

        It 'refuses -MaxTokens for an API model' {
            { Get-MixtralEmbedding 'x' @script:Api -MaxTokens 100 -ErrorAction Stop } | Should -Throw -ErrorId 'GetMixtralEmbeddingInvalidArgument*'
        }

        It 'completes -Model with local and API models' {
            $line = 'Get-MixtralEmbedding -Model '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
                Should -Be @('all-MiniLM-L6-v2', 'all-MiniLM-L6-v2-int8', 'snowflake-arctic-embed-xs', 'mistral-embed', 'codestral-embed')
        }
    }

    Describe 'Compare-TextSimilarity' {
        It 'singles out the paraphrase pair of the tutorial with <Model>' -ForEach @(
            @{ Model = 'all-MiniLM-L6-v2' }
            @{ Model = 'all-MiniLM-L6-v2-int8' }
            @{ Model = 'snowflake-arctic-embed-xs' }
        ) {
            $pairs = Compare-TextSimilarity $script:Zidane -Model $Model
            $pairs.Count | Should -Be 3
            $pairs[0].Index1 | Should -Be 0
            $pairs[0].Index2 | Should -Be 2
            $pairs[0].IsParaphrase | Should -BeTrue
            @($pairs | Where-Object IsParaphrase).Count | Should -Be 1
            $pairs[0].Cosine | Should -BeGreaterThan ($pairs[1].Cosine + 0.1)
        }

        It 'compares every pair once' {
            $pairs = 'a b', 'c d', 'e f', 'g h' | Compare-TextSimilarity
            $pairs.Count | Should -Be 6
            ($pairs | ForEach-Object { "$($_.Index1)-$($_.Index2)" } | Sort-Object) | Should -Be @('0-1', '0-2', '0-3', '1-2', '1-3', '2-3')
        }

        It 'compares one reference against many' {
            $pairs = $script:Zidane[1..2] | Compare-TextSimilarity -Reference $script:Zidane[0]
            $pairs.Count | Should -Be 2
            $pairs[0].Text1 | Should -Be $script:Zidane[0]
            $pairs[0].Text2 | Should -Be $script:Zidane[2]
            $pairs[0].IsParaphrase | Should -BeTrue
        }

        It 'sorts by distance with -Metric Euclidean' {
            $pairs = Compare-TextSimilarity $script:Zidane -Metric Euclidean
            $pairs.EuclideanDistance | Should -Be ($pairs.EuclideanDistance | Sort-Object)
        }

        It 'reuses embeddings given as input' {
            $embeddings = $script:Zidane | Get-MixtralEmbedding -Model snowflake-arctic-embed-xs
            $pairs = $embeddings | Compare-TextSimilarity
            $pairs[0].Model | Should -Be 'snowflake-arctic-embed-xs'
            $pairs[0].Index2 | Should -Be 2
        }

        It 'refuses to compare vectors of different models' {
            $embeddings = $script:Zidane | Get-MixtralEmbedding
            { $embeddings | Compare-TextSimilarity -Model snowflake-arctic-embed-xs -ErrorAction Stop } |
                Should -Throw -ErrorId 'CompareTextSimilarityModelMismatch*'
        }

        It 'embeds each distinct text once, in one request' {
            Compare-TextSimilarity 'one', 'two', 'one', 'three' -Model mistral-embed -Endpoint $script:Url | Should -HaveCount 6
            $bodies = @(Get-EmbeddingRequestBody)
            $bodies.Count | Should -Be 1
            $bodies[0].input | Should -Be @('one', 'two', 'three')
        }

        It 'needs two texts, or a reference' {
            { Compare-TextSimilarity 'alone' -ErrorAction Stop } | Should -Throw -ErrorId 'CompareTextSimilarityTooFewTexts*'
        }

        It 'honours -Threshold' {
            $pairs = Compare-TextSimilarity $script:Zidane -Threshold 0.99
            @($pairs | Where-Object IsParaphrase).Count | Should -Be 0
            [math]::Abs($pairs[0].Threshold - 0.99) | Should -BeLessThan 1e-6
        }
    }
    Describe 'the int8 model' {
        It 'embeds close to the FP32 model and serves an index end to end' {
            $fp32 = (Get-MixtralEmbedding $script:Zidane[0]).Vector
            $int8 = Get-MixtralEmbedding $script:Zidane[0] -Model all-MiniLM-L6-v2-int8
            $int8.Model | Should -Be 'all-MiniLM-L6-v2-int8'
            $dot = 0.0; for ($i = 0; $i -lt 384; $i++) { $dot += $fp32[$i] * $int8.Vector[$i] }
            $dot | Should -BeGreaterThan 0.97

            $index = Join-Path $TestDrive 'int8.ragidx'
            @(
                [pscustomobject]@{ Source = 'football.txt'; Text = 'Zidane was sent off in the 2006 World Cup final for a headbutt.' }
                [pscustomobject]@{ Source = 'bread.txt'; Text = 'Bread rises because yeast ferments sugars and releases carbon dioxide.' }
            ) | New-RagIndex -Path $index -Model all-MiniLM-L6-v2-int8 | Select-Object -ExpandProperty Model | Should -Be 'all-MiniLM-L6-v2-int8'
            (Find-RagContext $script:Zidane[2] -Path $index -Top 1 -Mode Vector).Source | Should -Be 'football.txt'
        }
    }
}
