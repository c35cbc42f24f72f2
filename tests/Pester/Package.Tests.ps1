# The package as a user meets it: from a PowerShell repository, into a module folder, imported in a fresh pwsh.
# build.ps1 Test makes the package before Pester runs; the runner passes its folder in MIXTRALPS_TEST_PACKAGE.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force

    $script:Nupkg = @(Get-ChildItem $env:MIXTRALPS_TEST_PACKAGE -Filter 'MixtralPS.*.nupkg' -ErrorAction SilentlyContinue)
    if ($script:Nupkg.Count -ne 1) { throw "Expected one MixtralPS package in '$env:MIXTRALPS_TEST_PACKAGE' (run build.ps1 Package), found $($script:Nupkg.Count)." }
    $script:Nupkg = $script:Nupkg[0].FullName
    $script:Built = $env:MIXTRALPS_TEST_MODULE
    $script:Manifest = Import-PowerShellDataFile (Join-Path $script:Built 'MixtralPS.psd1')
    $script:Platforms = 'linux-x64', 'win-x64', 'osx-arm64'
    $arch = [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
    $script:Rid = if ($IsWindows) { "win-$arch" } elseif ($IsMacOS) { "osx-$arch" } else { "linux-$arch" }

    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-package-$([guid]::NewGuid().ToString('N'))"
    $script:Modules = Join-Path $script:Work 'modules'
    New-Item -ItemType Directory -Path $script:Modules -Force | Out-Null

    # A repository of our own, so nothing reaches the network; registered for this run only.
    $script:Repository = "MixtralPS-test-$([guid]::NewGuid().ToString('N'))"
    Register-PSResourceRepository -Name $script:Repository -Uri (Split-Path $script:Nupkg) -Trusted
    Save-PSResource -Name MixtralPS -Repository $script:Repository -Path $script:Modules -TrustRepository -Quiet
    $script:Installed = Join-Path $script:Modules "MixtralPS/$($script:Manifest.ModuleVersion)"

    # The entries of the package's zip that are module files (not NuGet's own parts).
    $zip = [IO.Compression.ZipFile]::OpenRead($script:Nupkg)
    try {
        $script:Entries = @($zip.Entries | Where-Object { $_.FullName -notmatch '^(_rels/|package/|\[Content_Types\]\.xml$|MixtralPS\.nuspec$)' } | ForEach-Object FullName)
        $reader = [IO.StreamReader]::new($zip.GetEntry('MixtralPS.nuspec').Open())
        try { $script:Nuspec = ([xml]$reader.ReadToEnd()).package.metadata } finally { $reader.Dispose() }
    }
    finally { $zip.Dispose() }

    # Runs a script in a fresh pwsh -NoProfile that finds modules in $ModulePath first; returns its output and errors.
    function Invoke-ChildPwsh {
        param([string] $Script, [string] $ModulePath)
        $environment = @{
            PSModulePath        = $ModulePath + [IO.Path]::PathSeparator + $env:PSModulePath
            MIXTRALPS_WORK      = $script:Work
            # Offline: an endpoint nothing listens on, so any request the module made would fail.
            MISTRAL_ENDPOINT    = 'http://127.0.0.1:9'
            MISTRAL_API_KEY     = ''
            MIXTRAL_EMBED_MODEL = ''
        }
        $p = Start-ChildPwsh -Script $Script -Environment $environment
        $errors = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        [pscustomobject]@{ Output = $out; Errors = $errors.Result; ExitCode = $p.ExitCode }
    }
}

AfterAll {
    Unregister-PSResourceRepository -Name $script:Repository -ErrorAction SilentlyContinue
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The MixtralPS package' {
    It 'carries the manifest''s metadata in its nuspec' {
        $script:Nuspec.id | Should -Be 'MixtralPS'
        $script:Nuspec.version | Should -Be $script:Manifest.ModuleVersion
        $script:Nuspec.description | Should -Be $script:Manifest.Description
        $script:Nuspec.projectUrl | Should -Be $script:Manifest.PrivateData.PSData.ProjectUri
        $script:Nuspec.licenseUrl | Should -Be $script:Manifest.PrivateData.PSData.LicenseUri
        $tags = $script:Nuspec.tags -split ' '
        $tags | Should -Contain 'PSModule'
        foreach ($tag in $script:Manifest.PrivateData.PSData.Tags) { $tags | Should -Contain $tag }
        # CompatiblePSEditions reach the gallery as tags.
        foreach ($edition in $script:Manifest.CompatiblePSEditions) { $tags | Should -Contain "PSEdition_$edition" }
    }

    It 'is found in the repository with that metadata' {
        $found = Find-PSResource -Name MixtralPS -Repository $script:Repository
        "$($found.Version)" | Should -Be $script:Manifest.ModuleVersion
        $found.Type | Should -Be 'Module'
        $found.Description | Should -Be $script:Manifest.Description
        "$($found.ProjectUri)" | Should -Be $script:Manifest.PrivateData.PSData.ProjectUri
        "$($found.LicenseUri)" | Should -Be $script:Manifest.PrivateData.PSData.LicenseUri
    }

    It 'installs a manifest that Test-ModuleManifest accepts, for this PowerShell and edition' {
        $info = Test-ModuleManifest (Join-Path $script:Installed 'MixtralPS.psd1')
        $info.Version | Should -Be ([version]$script:Manifest.ModuleVersion)
        $info.PowerShellVersion | Should -Not -BeNullOrEmpty
        $PSVersionTable.PSVersion | Should -BeGreaterOrEqual $info.PowerShellVersion
        $info.CompatiblePSEditions | Should -Contain $PSEdition
        $info.Description | Should -Not -BeNullOrEmpty
        $info.Tags | Should -Not -BeNullOrEmpty
        "$($info.ProjectUri)" | Should -Not -BeNullOrEmpty
        "$($info.LicenseUri)" | Should -Not -BeNullOrEmpty
        @($info.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($script:Manifest.CmdletsToExport | Sort-Object)
    }

    It 'holds the built module file for file, with native libraries only under runtimes/(platform)/native' {
        $natives = @($script:Entries | Where-Object { $_ -like 'runtimes/*' })
        $nativeNames = $natives | ForEach-Object { Split-Path $_ -Leaf } | Sort-Object -Unique
        foreach ($rid in $script:Platforms) {
            $names = $natives | Where-Object { $_ -like "runtimes/$rid/native/*" } | ForEach-Object { Split-Path $_ -Leaf }
            foreach ($library in 'onnxruntime', 'usearch_c', 'numkong', 'e_sqlite3') {
                @($names | Where-Object { $_ -match "^(lib)?$library\.(dll|so|dylib)$" }).Count | Should -Be 1 -Because "$rid needs $library"
            }
        }
        @($natives | Where-Object { $_ -notmatch '^runtimes/(linux-x64|win-x64|osx-arm64)/native/[^/]+\.(dll|so|dylib)$' }) | Should -BeNullOrEmpty

        # Everything else is the built module, less the natives Build puts beside the DLL; same bytes once installed.
        $built = Get-ChildItem $script:Built -Recurse -File | Where-Object Name -NotIn $nativeNames |
            ForEach-Object { [IO.Path]::GetRelativePath($script:Built, $_.FullName).Replace('\', '/') } | Sort-Object
        $packaged = $script:Entries | Where-Object { $_ -notlike 'runtimes/*' } | ForEach-Object { [uri]::UnescapeDataString($_) } | Sort-Object
        $packaged | Should -Be $built
        $built | Should -Contain 'models/all-MiniLM-L6-v2/model.optimized.onnx'
        $built | Should -Contain 'models/all-MiniLM-L6-v2-int8/model.optimized.onnx'
        foreach ($file in $built) {
            (Get-FileHash (Join-Path $script:Installed $file)).Hash | Should -Be (Get-FileHash (Join-Path $script:Built $file)).Hash -Because $file
        }
    }

    It 'imports by name in a fresh pwsh and runs embeddings, an index and a query offline' {
        $child = Invoke-ChildPwsh -ModulePath $script:Modules -Script @'
$ErrorActionPreference = 'Stop'
Import-Module MixtralPS
$module = Get-Module MixtralPS
$embedding = Get-MixtralEmbedding 'The quick brown fox'
$index = Join-Path $env:MIXTRALPS_WORK 'query.ragidx'
$summary = @(
    [pscustomobject]@{ Source = 'otters'; Text = 'Sea otters keep warm in cold water with the densest fur of any animal.' }
    [pscustomobject]@{ Source = 'bread'; Text = 'Sourdough bread proofs best at about 24 degrees Celsius.' }
    [pscustomobject]@{ Source = 'titan'; Text = 'Titan, the largest moon of Saturn, has lakes of liquid methane.' }
) | New-RagIndex -Path $index
$hits = foreach ($mode in 'Vector', 'Keyword', 'Hybrid') { Find-RagContext 'How do otters stay warm?' -Path $index -Mode $mode -Top 1 }
[pscustomobject]@{
    ModuleBase = $module.ModuleBase
    Dimensions = $embedding.Dimensions
    Documents  = $summary.Documents
    Hits       = @($hits | ForEach-Object { "$($_.Mode) $($_.Source)" })
    # Where each native library was loaded from (Linux shows its mappings).
    Natives    = @(if ($IsLinux) { Get-Content /proc/self/maps | ForEach-Object { ($_ -split '\s+', 6)[5] } | Where-Object { $_ -match '[/\\](lib)?(onnxruntime|usearch_c|numkong|e_sqlite3)\.(so|dylib|dll)$' } | Sort-Object -Unique })
    Frameworks = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.Location -and (Split-Path $_.Location) -eq $module.ModuleBase } |
        ForEach-Object { $_.GetCustomAttributes([Runtime.Versioning.TargetFrameworkAttribute], $false).FrameworkName })
} | ConvertTo-Json -Compress
'@
        $child.ExitCode | Should -Be 0 -Because $child.Errors
        $result = $child.Output | ConvertFrom-Json
        $result.ModuleBase | Should -Be $script:Installed
        $result.Dimensions | Should -Be 384
        $result.Documents | Should -Be 3
        $result.Hits | Should -Be @('Vector otters', 'Keyword otters', 'Hybrid otters')
        if ($IsLinux) {
            $native = Join-Path $script:Installed "runtimes/$script:Rid/native"
            foreach ($library in 'libonnxruntime.so', 'libusearch_c.so', 'libnumkong.so', 'libe_sqlite3.so') {
                $result.Natives | Should -Contain (Join-Path $native $library)
            }
            @($result.Natives | Where-Object { -not $_.StartsWith($native) }) | Should -BeNullOrEmpty
        }

        # PowerShellVersion is honoured: PowerShell 7.x runs on .NET x+4, which the module's assemblies must not exceed.
        $minimum = [version]$script:Manifest.PowerShellVersion
        $dotnet = [version]"$($minimum.Minor + 4).0"
        @($result.Frameworks -like '.NETCoreApp,*') | Should -Not -BeNullOrEmpty
        foreach ($framework in $result.Frameworks | Where-Object { $_ -like '.NETCoreApp,*' }) {
            [version]($framework -replace '^.*Version=v') | Should -BeLessOrEqual $dotnet -Because "$framework must run on PowerShell $minimum"
        }
    }

    It 'names the platform when the package has no native libraries for it' {
        # The installed module without this platform's folder: what a user on an unsupported platform would have.
        $elsewhere = Join-Path $script:Work 'unsupported'
        $copy = Join-Path $elsewhere "MixtralPS/$($script:Manifest.ModuleVersion)"
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        Copy-Item (Join-Path $script:Installed '*') $copy -Recurse
        Remove-Item (Join-Path $copy "runtimes/$script:Rid") -Recurse -Force

        $child = Invoke-ChildPwsh -ModulePath $elsewhere -Script @'
Import-Module MixtralPS
try { Get-MixtralEmbedding 'The quick brown fox' -ErrorAction Stop; 'no error' } catch { "$($_.FullyQualifiedErrorId)|$_" }
'@
        $child.ExitCode | Should -Be 0 -Because $child.Errors
        $id, $message = $child.Output.Trim() -split '\|', 2
        $id | Should -BeLike 'GetMixtralEmbeddingModelNotLoaded,*'
        $message | Should -Match ([regex]::Escape("for this platform ($script:Rid)"))
        $message | Should -Match 'onnxruntime'
        foreach ($other in $script:Platforms | Where-Object { $_ -ne $script:Rid }) { $message | Should -Match $other }
    }
}
