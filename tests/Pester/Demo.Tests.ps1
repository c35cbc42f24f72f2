# The README's main job (build.ps1 Demo runs demo/Start-Demo.ps1): offline with no key, and grounded answers with one.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $script:Demo = Join-Path $PSScriptRoot '../../demo/Start-Demo.ps1'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-demo-test-$([guid]::NewGuid().ToString('N'))"

    function Invoke-Demo([hashtable] $Environment) {
        $process = Start-ChildPwsh -Script "& '$script:Demo' -ModulePath '$env:MIXTRALPS_TEST_MODULE' -WorkDirectory '$script:Work' *>&1 | Out-String -Width 200" -Environment $Environment
        $process.StandardInput.Close()
        $errors = $process.StandardError.ReadToEndAsync()
        $output = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $output; Errors = $errors.Result }
    }
}

AfterAll {
    if (Test-Path $script:Work) { Remove-Item $script:Work -Recurse -Force }
}

Describe 'The demo' {
    It 'indexes the docs, retrieves context and finds the paraphrase with no key and no network' {
        # A closed port as the endpoint: anything that tried the network would fail.
        $run = Invoke-Demo @{ MISTRAL_API_KEY = ''; MISTRAL_ENDPOINT = 'http://127.0.0.1:9'; MIXTRAL_EMBED_MODEL = '' }
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        $run.Output | Should -Match 'indexing the project''s documentation'
        $run.Output | Should -Match 'Find-RagContext ''How do I use a self-hosted Mixtral server\?'''
        $run.Output | Should -Match '\[1\] \S+\.md( > [^(\n]+)?  \(score'
        $run.Output | Should -Match '\[1\] \S+\.md > [^(\n]+  \(score' -Because 'chunks of Markdown files know their heading'
        $run.Output | Should -Match 'paraphrase  What led to Zidane''s ban from football\?  ~  What caused Zidane to get banned from football\?'
        ([regex]::Matches($run.Output, 'paraphrase  ')).Count | Should -Be 1
        $run.Output | Should -Match 'Set \$env:MISTRAL_API_KEY'
        $run.Output | Should -Match 'What if: Performing the operation "Send a chat request" on target "mistral-small-latest: \d+ piped items'
    }

    It 'answers from the retrieved context when a key is set, and skips unchanged documents on a second run' {
        Reset-TestServer
        Add-TestReply @{ content = 'README.md, at 30 KB.' }
        Add-TestReply @{ content = 'Point -Endpoint at the server.' }
        Add-TestReply @{ content = 'The index keeps the old or the new version.' }
        $run = Invoke-Demo @{ MISTRAL_API_KEY = 'demo-test-key'; MISTRAL_ENDPOINT = (Get-TestServerUrl); MIXTRAL_EMBED_MODEL = '' }
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        $run.Output | Should -Match 'Point -Endpoint at the server\.'
        $run.Output | Should -Match 'Sources: \S+\.md'
        $run.Output | Should -Not -Match 'demo-test-key'
        $run.Output | Should -Match 'Skipped\s*:\s*[1-9]'
        $run.Output | Should -Match 'README\.md, at 30 KB\.'
        $files = @(Get-TestRequest)[0].body | ConvertFrom-Json
        $files.messages[-1].content | Should -Match 'of="System.IO.FileInfo"'
        @(Get-TestRequest).Count | Should -Be 3
        Assert-NoSchemaViolation
    }
}
