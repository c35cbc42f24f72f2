# Writes the sample corpus of the retrieval tests: one document per format, plus files that must be refused.

function Import-ModuleAssembly {
    param([Parameter(Mandatory)] [string] $Name)
    $path = Join-Path $env:MIXTRALPS_TEST_MODULE $Name
    Add-Type -Path $path
}

function New-SamplePdf {
    param([string] $Path, [string[]] $Lines)
    Import-ModuleAssembly 'UglyToad.PdfPig.dll'
    Import-ModuleAssembly 'UglyToad.PdfPig.Core.dll'
    Import-ModuleAssembly 'UglyToad.PdfPig.Fonts.dll'
    $builder = [UglyToad.PdfPig.Writer.PdfDocumentBuilder]::new()
    $font = $builder.AddStandard14Font([UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font]::Helvetica)
    $page = $builder.AddPage([UglyToad.PdfPig.Content.PageSize]::A4)
    $y = 780
    foreach ($line in $Lines) {
        $null = $page.AddText($line, 11, [UglyToad.PdfPig.Core.PdfPoint]::new(40, $y), $font)
        $y -= 16
    }
    [IO.File]::WriteAllBytes($Path, $builder.Build())
}

# An image-only PDF: pages with a filled rectangle and no text, as a scanner without OCR writes them.
function New-ScannedPdf {
    param([string] $Path, [int] $Pages = 1)
    Import-ModuleAssembly 'UglyToad.PdfPig.dll'
    Import-ModuleAssembly 'UglyToad.PdfPig.Core.dll'
    Import-ModuleAssembly 'UglyToad.PdfPig.Fonts.dll'
    $builder = [UglyToad.PdfPig.Writer.PdfDocumentBuilder]::new()
    for ($i = 0; $i -lt $Pages; $i++) {
        $page = $builder.AddPage([UglyToad.PdfPig.Content.PageSize]::A4)
        $null = $page.DrawRectangle([UglyToad.PdfPig.Core.PdfPoint]::new(40, 40), 300, 400, 2, $true)
    }
    [IO.File]::WriteAllBytes($Path, $builder.Build())
}

function New-SampleDocx {
    param([string] $Path, [string[]] $Paragraphs)
    Import-ModuleAssembly 'DocumentFormat.OpenXml.Framework.dll'
    Import-ModuleAssembly 'DocumentFormat.OpenXml.dll'
    $doc = [DocumentFormat.OpenXml.Packaging.WordprocessingDocument]::Create($Path, [DocumentFormat.OpenXml.WordprocessingDocumentType]::Document)
    try {
        $main = $doc.AddMainDocumentPart()
        $body = [DocumentFormat.OpenXml.Wordprocessing.Body]::new()
        foreach ($text in $Paragraphs) {
            $run = [DocumentFormat.OpenXml.Wordprocessing.Run]::new()
            $null = $run.AppendChild([DocumentFormat.OpenXml.Wordprocessing.Text]::new($text))
            $paragraph = [DocumentFormat.OpenXml.Wordprocessing.Paragraph]::new()
            $null = $paragraph.AppendChild($run)
            $null = $body.AppendChild($paragraph)
        }
        $document = [DocumentFormat.OpenXml.Wordprocessing.Document]::new()
        $null = $document.AppendChild($body)
        $main.Document = $document
    }
    finally { $doc.Dispose() }
}

function New-RagSampleCorpus {
    param([Parameter(Mandatory)] [string] $Folder)
    New-Item -ItemType Directory -Path $Folder -Force | Out-Null

    Set-Content -Path (Join-Path $Folder 'otters.md') -Encoding utf8NoBOM -Value @'
# Sea otters

Sea otters have the densest fur of any animal, up to a million hairs per square inch.
The fur traps a layer of air against the skin, which keeps otters warm in cold water.

## Tools

Otters use rocks to crack open shellfish while floating on their backs.
'@

    Set-Content -Path (Join-Path $Folder 'sourdough.txt') -Encoding utf8NoBOM -Value @'
Sourdough bread rises with wild yeast and lactic acid bacteria from a starter.
Proof the dough at about 24 to 26 degrees Celsius until it has grown by half.
Bake it in a hot Dutch oven so the crust blisters.
'@

    Set-Content -Path (Join-Path $Folder 'titan.html') -Encoding utf8NoBOM -Value @'
<!DOCTYPE html>
<html><head><title>Titan</title>
<style>body { color: red; }</style>
<script>document.write("this script text must never be indexed");</script>
</head><body>
<h1>Titan, Saturn's largest moon</h1>
<p>Titan is the only moon known to have a thick atmosphere and stable lakes of liquid methane and ethane on its surface.</p>
</body></html>
'@

    New-SamplePdf -Path (Join-Path $Folder 'jupiter.pdf') -Lines @(
        'Jupiter is the largest planet of the solar system.'
        'A Jupiter year lasts almost twelve Earth years.'
    )

    New-SampleDocx -Path (Join-Path $Folder 'everest.docx') -Paragraphs @(
        'Mount Everest'
        'On the summit of Everest water boils at about 70 degrees Celsius because the air pressure is low.'
    )

    # Windows-1252: é and è are single bytes (0xE9, 0xE8), invalid as UTF-8.
    [IO.File]::WriteAllBytes((Join-Path $Folder 'cafe-1252.txt'),
        [Text.Encoding]::Latin1.GetBytes("Le café préféré de René se trouve près de la gare, à côté de la boulangerie."))

    # Refused: a binary file and a damaged PDF.
    [IO.File]::WriteAllBytes((Join-Path $Folder 'image.png'), [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52) + [byte[]]::new(64))
    $pdf = [IO.File]::ReadAllBytes((Join-Path $Folder 'jupiter.pdf'))
    [IO.File]::WriteAllBytes((Join-Path $Folder 'damaged.pdf'), $pdf[0..([int]($pdf.Length / 3))])

    $Folder
}

Export-ModuleMember -Function New-RagSampleCorpus, New-SamplePdf, New-ScannedPdf, New-SampleDocx
