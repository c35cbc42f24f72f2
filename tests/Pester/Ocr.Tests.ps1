# New-RagIndex reads scanned PDFs and images with /v1/ocr when a key is present or -Ocr is given, page by page;
# offline (no key, no -Ocr) it skips them with a warning naming each file.
BeforeAll {
    Import-Module $env:MIXTRALPS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestServer.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'RagTestData.psm1') -Force
    Remove-Item Env:MISTRAL_API_KEY, Env:MIXTRAL_EMBED_MODEL -ErrorAction SilentlyContinue
    $env:MISTRAL_ENDPOINT = Get-TestServerUrl
    $env:MIXTRAL_RETRY_BASE_DELAY_MS = '10'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "mixtralps-ocr-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    $script:PngBytes = [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52) + [byte[]]::new(32)

    function New-ScanFolder([string] $Name) {
        $folder = Join-Path $script:Work $Name
        New-Item -ItemType Directory -Path $folder | Out-Null
        New-ScannedPdf -Path (Join-Path $folder 'lease.pdf') -Pages 2
        [IO.File]::WriteAllBytes((Join-Path $folder 'invoice.png'), $script:PngBytes)
        Set-Content -Path (Join-Path $folder 'notes.md') -Encoding utf8NoBOM -Value '# Notes', '', 'Sourdough proofs at about 25 degrees Celsius.'
        $folder
    }

    function Get-OcrRequest { @(Get-TestRequest | Where-Object path -eq '/v1/ocr') }
}

AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
    Remove-Item Env:MISTRAL_API_KEY -ErrorAction SilentlyContinue
}

Describe 'New-RagIndex with OCR' {
    BeforeEach {
        Reset-TestServer
        Remove-Item Env:MISTRAL_API_KEY -ErrorAction SilentlyContinue
        $script:Index = Join-Path $script:Work "idx-$([guid]::NewGuid().ToString('N')).ragidx"
    }

    AfterEach {
        Assert-NoSchemaViolation
    }

    It 'reads scans and images through /v1/ocr when a key is present, page by page, and Find-RagContext returns the page' {
        $folder = New-ScanFolder 'with-key'
        $env:MISTRAL_API_KEY = 'test-key-for-ocr'
        # Files come in name order: invoice.png, then lease.pdf.
        Add-TestReply @{ path = '/v1/ocr'; pages = @('Invoice 4711 from the harbour office, due in June.') },
                      @{ path = '/v1/ocr'; pages = @('The lease of the flat ends in March.', 'Otters hold hands while they sleep.') }

        $summary = Get-ChildItem $folder -File | Sort-Object Name | New-RagIndex -Path $script:Index -WarningVariable w -ErrorVariable e

        $summary.Added | Should -Be 3
        $summary.Failed | Should -Be 0
        $w | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
        $requests = Get-OcrRequest
        $requests.Count | Should -Be 2
        $image = ($requests[0].body | ConvertFrom-Json)
        $image.model | Should -Be 'mistral-ocr-latest'
        $image.document.type | Should -Be 'image_url'
        $image.document.image_url | Should -BeLike 'data:image/png;base64,iVBORw0KGgo*'
        $pdf = ($requests[1].body | ConvertFrom-Json)
        $pdf.document.type | Should -Be 'document_url'
        $pdf.document.document_url | Should -BeLike 'data:application/pdf;base64,JVBERi0*'
        $pdf.document.document_name | Should -Be 'lease.pdf'
        $requests[1].headers.Authorization | Should -Be 'Bearer test-key-for-ocr'

        $otters = Find-RagContext -Path $script:Index -Query 'otters sleep holding hands' -Mode Keyword -Top 1
        $otters.Source | Should -Be (Join-Path $folder 'lease.pdf')
        $otters.Page | Should -Be 2
        $otters.Text | Should -Be 'Otters hold hands while they sleep.'
        (Find-RagContext -Path $script:Index -Query 'lease flat March' -Mode Keyword -Top 1).Page | Should -Be 1
        (Find-RagContext -Path $script:Index -Query 'invoice harbour' -Mode Keyword -Top 1).Page | Should -Be 1
        (Find-RagContext -Path $script:Index -Query 'sourdough proofs' -Mode Keyword -Top 1).Page | Should -BeNullOrEmpty
    }

    It 'does not send an unchanged scan again when the index is updated' {
        $folder = New-ScanFolder 'update'
        $env:MISTRAL_API_KEY = 'test-key-for-ocr'
        Get-ChildItem $folder -File | New-RagIndex -Path $script:Index | Out-Null
        (Get-OcrRequest).Count | Should -Be 2
        Reset-TestServer

        $summary = Get-ChildItem $folder -File | New-RagIndex -Path $script:Index

        $summary.Skipped | Should -Be 3
        Get-OcrRequest | Should -BeNullOrEmpty
    }

    It 'offline without a key skips each scan and image with a warning naming it, and indexes the rest' {
        $folder = New-ScanFolder 'offline'

        $summary = Get-ChildItem $folder -File | New-RagIndex -Path $script:Index -WarningVariable w -WarningAction SilentlyContinue

        $summary.Added | Should -Be 1
        $summary.Failed | Should -Be 2
        $w.Count | Should -Be 2
        ($w | Where-Object { "$_" -like '*lease.pdf*' }) | Should -Match 'no text layer.*OCR needs the API'
        ($w | Where-Object { "$_" -like '*invoice.png*' }) | Should -Match 'OCR needs the API'
        Get-TestRequest | Should -BeNullOrEmpty
    }

    It '-Ocr:$false keeps the files on the machine even with a key' {
        $folder = New-ScanFolder 'ocr-off'
        $env:MISTRAL_API_KEY = 'test-key-for-ocr'

        $summary = Get-ChildItem $folder -File | New-RagIndex -Path $script:Index -Ocr:$false -WarningVariable w -WarningAction SilentlyContinue

        $summary.Failed | Should -Be 2
        ($w -join "`n") | Should -Match 'OCR is off'
        Get-OcrRequest | Should -BeNullOrEmpty
    }

    It '-Ocr without a key sends to a keyless endpoint' {
        $folder = New-ScanFolder 'keyless'

        $summary = Get-ChildItem $folder -File | New-RagIndex -Path $script:Index -Ocr

        $summary.Added | Should -Be 3
        $requests = Get-OcrRequest
        $requests.Count | Should -Be 2
        $requests | ForEach-Object { $_.headers.Authorization | Should -BeNullOrEmpty }
        # The test server's default answer: Markdown per page of the PDF, derived from it.
        (Find-RagContext -Path $script:Index -Query 'Scanned text of lease.pdf page 2' -Mode Keyword -Top 1).Page | Should -Be 2
    }

    It 'an oversized, a corrupt and a refused file are errors for those files alone; the others are indexed' {
        $folder = New-ScanFolder 'bad'
        $big = Join-Path $folder 'huge.png'
        $stream = [IO.File]::Create($big)
        try { $stream.Write($script:PngBytes, 0, $script:PngBytes.Length); $stream.SetLength(51MB) } finally { $stream.Dispose() }
        Set-Content -Path (Join-Path $folder 'broken.jpg') -Value 'not a JPEG at all'
        [IO.File]::WriteAllBytes((Join-Path $folder 'refused.tiff'), [byte[]](0x49, 0x49, 0x2A, 0) + [byte[]]::new(16))
        $env:MISTRAL_API_KEY = 'test-key-for-ocr'
        # Name order: broken.jpg, huge.png, invoice.png, lease.pdf, notes.md, refused.tiff; only three reach the server.
        Add-TestReply @{ path = '/v1/ocr'; pages = @('Invoice page.') }, @{ path = '/v1/ocr'; pages = @('Lease one.', 'Lease two.') },
                      @{ path = '/v1/ocr'; status = 422 }

        $summary = Get-ChildItem $folder -File | Sort-Object Name | New-RagIndex -Path $script:Index -ErrorVariable e -ErrorAction SilentlyContinue

        $summary.Added | Should -Be 3
        $summary.Failed | Should -Be 3
        $e.Count | Should -Be 3
        $e | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'NewRagIndexOcrFailed*' }
        $e[0].Exception.Message | Should -Match "broken\.jpg.*not those of a PDF, PNG, JPEG, TIFF or WebP"
        $e[1].Exception.Message | Should -Match "huge\.png.*too large for OCR \(51 MiB; the limit is 50 MiB\)"
        $e[2].Exception.Message | Should -Match "refused\.tiff.*Scripted error 422"
        (Get-OcrRequest).Count | Should -Be 3
        (Find-RagContext -Path $script:Index -Query 'Lease two' -Mode Keyword -Top 1).Page | Should -Be 2
    }
}
