#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Checks that the HNSW index works inside pwsh from the built module folder: the USearch native libraries
    (libusearch_c, libnumkong) must load from beside MixtralPS.Core.dll, with no deps.json to point at them.
.DESCRIPTION
    Run after build.ps1 Build, in a fresh process: dotnet pwsh -NoProfile -File bench/Ann/Test-HnswInModule.ps1
    Creates, saves, views, loads and searches a 2,000-vector index; prints what it saw; exits 1 on any failure.
#>
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Split-Path (Split-Path $PSScriptRoot)
Import-Module (Join-Path $root 'out/MixtralPS/MixtralPS.psd1')
$core = [MixtralPS.Core.Index.HnswIndex].Assembly
"MixtralPS.Core from $($core.Location)"

$folder = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-hnsw-pwsh-$PID"
New-Item -ItemType Directory $folder | Out-Null
try {
    $path = Join-Path $folder 'index.usearch'
    $settings = [MixtralPS.Core.Index.HnswSettings]::new()
    $random = [Random]::new(7)
    $keys = [Collections.Generic.List[uint64]]::new()
    $vectors = [Collections.Generic.List[float[]]]::new()
    foreach ($key in 1..2000) {
        $vector = [float[]]::new(384)
        for ($i = 0; $i -lt 384; $i++) { $vector[$i] = $random.NextDouble() - 0.5 }
        $keys.Add($key); $vectors.Add($vector)
    }

    # PowerShell passes a float[] where a ReadOnlySpan<float> is expected; tuples come back as Item1 (key), Item2 (similarity).
    function Get-Top($index, $query, $count) { ($index.Search($query, $count) | ForEach-Object { '{0}={1:0.0000}' -f $_.Item1, $_.Item2 }) -join ', ' }

    $index = [MixtralPS.Core.Index.HnswIndex]::Create(384, $settings)
    $index.AddRange($keys, $vectors)
    "created: $($index.Count) vectors, $($index.Dimensions) dimensions, SIMD kernel $($index.HardwareAcceleration)"
    $index.Save($path)
    $index.Dispose()
    "saved: $((Get-Item $path).Length) bytes"

    $view = [MixtralPS.Core.Index.HnswIndex]::View($path, $settings, 384)
    $top = Get-Top $view $vectors[41] 3
    "viewed: $($view.Count) vectors, read-only $($view.IsReadOnly); top 3 for key 42's vector: $top"
    if (-not $top.StartsWith('42=1.0000')) { throw "the view did not find key 42 first" }
    $view.Dispose()

    $loaded = [MixtralPS.Core.Index.HnswIndex]::Load($path, $settings, 384)
    $top = Get-Top $loaded $vectors[999] 1
    "loaded: $($loaded.Count) vectors; top 1 for key 1000's vector: $top"
    if ($top -ne '1000=1.0000') { throw "the loaded index did not find key 1000" }
    $loaded.Dispose()

    try { [MixtralPS.Core.Index.HnswIndex]::Load($path, $settings, 768) | Out-Null; throw 'a 768-dimension load succeeded' }
    catch [System.Management.Automation.MethodInvocationException] { "wrong dimensions refused: $($_.Exception.InnerException.Message)" }

    $natives = [Diagnostics.Process]::GetCurrentProcess().Modules | Where-Object ModuleName -Match 'usearch|numkong' | ForEach-Object FileName
    "native libraries loaded: $($natives -join ', ')"
    'OK'
}
catch {
    Write-Error $_ -ErrorAction Continue
    exit 1
}
finally {
    Remove-Item $folder -Recurse -Force
}
