# The help users read with Get-Help, built from docs/help by build/ConvertTo-MamlHelp.ps1; and the examples
# of docs/help marked runnable, run against the test server.

BeforeDiscovery {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'build/HelpMarkdown.psm1') -Force
    $manifest = Import-PowerShellDataFile (Join-Path $env:MIXTRALPS_TEST_MODULE 'MixtralPS.psd1')
    $cmdlets = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
    $examplePages = foreach ($cmdlet in $cmdlets) {
        $examples = @(Get-HelpExample (Read-HelpMarkdown (Join-Path $root "docs/help/$($cmdlet.Name).md")) | Where-Object Runnable)
        if ($examples) {
            @{ Name = $cmdlet.Name; Examples = @($examples | ForEach-Object { @{ Title = $_.Title; Code = $_.Code; Replies = $_.Replies } }) }
        }
    }
}

BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $script:Root 'build/HelpMarkdown.psm1') -Force

    function Get-PublicParameter([string] $Name) {
        (Get-Command $Name).Parameters.Keys | Where-Object { -not [System.Management.Automation.Cmdlet]::CommonParameters.Contains($_) }
    }
}

Describe 'Help' {
    Describe 'Get-Help <Name> -Full' -ForEach $cmdlets {
        BeforeAll {
            $script:Help = Get-Help $Name -Full
            $script:Command = Get-Command $Name
        }

        It 'has a synopsis and a description' {
            # Without help, Get-Help makes the synopsis up from the syntax.
            $Help.Synopsis | Should -Not -Match "^\s*$Name"
            $Help.Synopsis | Should -Not -BeNullOrEmpty
            ($Help.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
        }

        It 'has at least three examples, each with code and remarks' {
            $examples = @($Help.examples.example)
            $examples.Count | Should -BeGreaterOrEqual 3
            foreach ($example in $examples) {
                $example.code | Should -Not -BeNullOrEmpty -Because $example.title
                ($example.remarks.Text -join '').Trim() | Should -Not -BeNullOrEmpty -Because $example.title
            }
        }

        It 'describes every public parameter' {
            foreach ($parameter in Get-PublicParameter $Name) {
                $entry = $Help.parameters.parameter | Where-Object name -EQ $parameter
                $entry | Should -Not -BeNullOrEmpty -Because "-$parameter is a parameter of $Name"
                ($entry.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
                $entry.defaultValue | Should -Not -BeNullOrEmpty -Because "-$parameter needs a default value"
            }
        }

        It 'states each parameter''s type, position, pipeline input and whether it is required, as the cmdlet declares them' {
            foreach ($parameter in Get-PublicParameter $Name) {
                $entry = $Help.parameters.parameter | Where-Object name -EQ $parameter
                $declared = $Command.ParameterSets.Parameters | Where-Object Name -EQ $parameter | Select-Object -First 1
                $type = [Nullable]::GetUnderlyingType($declared.ParameterType) ?? $declared.ParameterType
                $entry.type.name | Should -Be $type.Name -Because "the type of -$parameter"
                $entry.required | Should -Be "$($declared.IsMandatory)".ToLowerInvariant() -Because "whether -$parameter is required"
                $entry.position | Should -Be $(if ($declared.Position -ge 0) { "$($declared.Position)" } else { 'named' }) -Because "the position of -$parameter"
                $entry.pipelineInput -like 'True*' | Should -Be ($declared.ValueFromPipeline -or $declared.ValueFromPipelineByPropertyName) -Because "the pipeline input of -$parameter"
            }
        }

        It 'shows the syntax of each parameter set' {
            $items = @($Help.syntax.syntaxItem)
            $items.Count | Should -Be $Command.ParameterSets.Count
            for ($i = 0; $i -lt $items.Count; $i++) {
                $declared = $Command.ParameterSets[$i].Parameters.Name | Where-Object { -not [System.Management.Automation.Cmdlet]::CommonParameters.Contains($_) }
                @($items[$i].parameter.name | Sort-Object) | Should -Be @($declared | Sort-Object)
            }
        }

        It 'names the types it outputs' {
            $returned = @($Help.returnValues.returnValue.type.name)
            foreach ($type in $Command.OutputType.Name) { $returned | Should -Contain $type }
        }
    }

    Describe 'docs/help/<Name>.md' -ForEach $cmdlets {
        It 'documents exactly the cmdlet''s parameters' {
            $page = Read-HelpMarkdown (Join-Path $script:Root "docs/help/$Name.md")
            @(Get-HelpParameter $page | ForEach-Object Name | Sort-Object) | Should -Be @(Get-PublicParameter $Name | Sort-Object)
        }
    }

    Describe 'The help build' {
        It 'fails, naming the cmdlet and the parameter, when a page lacks a parameter or documents one the cmdlet does not have' {
            $pages = Join-Path $TestDrive 'help'
            Copy-Item (Join-Path $script:Root 'docs/help') $pages -Recurse
            $page = Join-Path $pages 'Find-RagContext.md'
            $text = Get-Content $page -Raw
            $text = $text -replace '(?s)### -Top\n.*?(?=### -MinScore)', ''
            $text = $text -replace '### -AsPrompt', "### -Bogus`n`nNot a parameter.`n`n### -AsPrompt"
            Set-Content $page $text -NoNewline
            $out = Join-Path $TestDrive 'en-US'
            $converter = Join-Path $script:Root 'build/ConvertTo-MamlHelp.ps1'

            $run = Start-ChildPwsh -Script "& '$converter' -ModulePath '$env:MIXTRALPS_TEST_MODULE' -MarkdownPath '$pages' -OutputPath '$out'; exit `$LASTEXITCODE"
            $errors = $run.StandardError.ReadToEnd()
            $run.WaitForExit()

            $run.ExitCode | Should -Be 1
            $errors | Should -Match 'Find-RagContext: the parameter -Top has no help'
            $errors | Should -Match 'Find-RagContext: the page documents -Bogus, which the cmdlet does not have'
            Test-Path (Join-Path $out 'MixtralPS.dll-Help.xml') | Should -BeFalse
        }
    }

    Describe 'about_MixtralPS' {
        BeforeAll {
            $script:About = Get-Help about_MixtralPS | Out-String
        }

        It 'is found by Get-Help' {
            $About | Should -Match 'SHORT DESCRIPTION'
            $About | Should -Match 'about_MixtralPS_Tools'
        }

        It 'names every environment variable the module reads' {
            $variables = [MixtralPS.Core.Configuration.MixtralEnvironment].GetFields() | Where-Object Name -Like '*Variable' | ForEach-Object { $_.GetValue($null) }
            $variables | Should -Not -BeNullOrEmpty
            foreach ($variable in @($variables) + 'MIXTRAL_RETRY_BASE_DELAY_MS') { $About | Should -Match $variable }
        }

        It 'covers configuration, offline use, security and the index format' {
            foreach ($topic in 'CONFIGURATION', 'OFFLINE USE', 'SECURITY', 'AllowUnencryptedAuthentication', 'index\.db', 'write\.lock', 'schema_version') {
                $About | Should -Match $topic
            }
        }
    }

    # Each page's runnable examples run in order, in one folder holding a copy of the project's docs/*.md as
    # ./docs, against the test server with a dummy key; an error of any kind fails the example.
    Describe 'Runnable examples of <Name>' -ForEach $examplePages {
        BeforeAll {
            $script:Saved = @{}
            foreach ($variable in 'MISTRAL_API_KEY', 'MISTRAL_ENDPOINT', 'MIXTRAL_MODEL', 'MIXTRAL_EMBED_MODEL', 'MIXTRAL_RETRY_BASE_DELAY_MS') {
                $script:Saved[$variable] = [Environment]::GetEnvironmentVariable($variable)
                [Environment]::SetEnvironmentVariable($variable, $null)
            }
            $env:MISTRAL_ENDPOINT = Get-TestServerUrl
            $env:MISTRAL_API_KEY = 'dummy-key-for-the-test-server'
            $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'

            $script:Sandbox = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-help-$([guid]::NewGuid().ToString('N'))"
            New-Item -ItemType Directory -Path (Join-Path $script:Sandbox 'docs') | Out-Null
            Copy-Item (Join-Path $script:Root 'docs/*.md') (Join-Path $script:Sandbox 'docs')
            Push-Location $script:Sandbox
        }

        AfterAll {
            Pop-Location
            Remove-Item $script:Sandbox -Recurse -Force -ErrorAction SilentlyContinue
            foreach ($variable in $script:Saved.Keys) { [Environment]::SetEnvironmentVariable($variable, $script:Saved[$variable]) }
        }

        It '<Title>' -ForEach $Examples {
            Reset-TestServer
            if ($Replies) { $Replies | ConvertFrom-Json -AsHashtable | Add-TestReply }
            $ErrorActionPreference = 'Stop'
            # Formatted too, so that the output's views are exercised as a reader would see them.
            & ([scriptblock]::Create($Code)) | Out-String | Out-Null
            Assert-NoSchemaViolation
        }
    }
}
