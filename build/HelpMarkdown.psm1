# Reads the help pages of docs/help (the format is described in docs/help/README.md) and renders their
# blocks as plain text. Shared by build/ConvertTo-MamlHelp.ps1 and the Pester help tests, so both read a page
# the same way.

Set-StrictMode -Version Latest

# One page: its title (# line), and its sections (## lines) with their blocks and subsections (### lines).
function Read-HelpMarkdown {
    param([Parameter(Mandatory)] [string] $Path)
    $lines = (Get-Content -LiteralPath $Path -Raw) -split '\r?\n'
    $chunks = [System.Collections.Generic.List[object]]::new()
    $current = [pscustomobject]@{ Level = 0; Title = ''; Lines = [System.Collections.Generic.List[string]]::new() }
    $chunks.Add($current)
    $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^(#{1,3}) +(.+?)\s*$') {
            $current = [pscustomobject]@{ Level = $Matches[1].Length; Title = $Matches[2]; Lines = [System.Collections.Generic.List[string]]::new() }
            $chunks.Add($current)
        }
        else { $current.Lines.Add($line) }
    }

    $page = [pscustomobject]@{ Path = $Path; Title = $null; Sections = [ordered]@{} }
    $section = $null
    foreach ($chunk in $chunks) {
        $blocks = ConvertTo-HelpBlock $chunk.Lines
        switch ($chunk.Level) {
            0 { }
            1 { $page.Title = $chunk.Title }
            2 {
                $section = [pscustomobject]@{ Name = $chunk.Title; Blocks = $blocks; Subsections = [System.Collections.Generic.List[object]]::new() }
                $page.Sections[$chunk.Title] = $section
            }
            3 {
                if (-not $section) { throw "${Path}: '### $($chunk.Title)' comes before any '##' section." }
                $section.Subsections.Add([pscustomobject]@{ Title = $chunk.Title; Blocks = $blocks })
            }
        }
    }
    $page
}

# Splits lines into blocks: Paragraph (Text), List (Items, Ordered), Code (Language, Lines), Comment (Text),
# Table (Rows of cells).
function ConvertTo-HelpBlock {
    param([string[]] $Lines)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $listItem = '^\s*([-*]|\d+\.) +(.*)$'
    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        if ($line -match '^\s*$') { $i++; continue }
        if ($line -match '^\s*```(\S*)') {
            $language = $Matches[1]
            $code = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $Lines.Count -and $Lines[$i] -notmatch '^\s*```\s*$') { $code.Add($Lines[$i]); $i++ }
            $i++
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Language = $language; Lines = $code.ToArray() })
        }
        elseif ($line -match '^\s*<!--') {
            $text = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $Lines.Count) {
                $text.Add($Lines[$i])
                if ($Lines[$i++] -match '-->') { break }
            }
            $inner = ($text -join "`n") -replace '^\s*<!--', '' -replace '-->\s*$', ''
            $blocks.Add([pscustomobject]@{ Kind = 'Comment'; Text = $inner.Trim() })
        }
        elseif ($line -match '^\s*\|') {
            $rows = [System.Collections.Generic.List[object]]::new()
            while ($i -lt $Lines.Count -and $Lines[$i] -match '^\s*\|') {
                # The |---|---| line only separates the header in markdown.
                if ($Lines[$i] -notmatch '^\s*\|[\s:|-]+\|\s*$') {
                    $rows.Add(@($Lines[$i].Trim().Trim('|') -split '\|' | ForEach-Object Trim))
                }
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Table'; Rows = $rows.ToArray() })
        }
        elseif ($line -match $listItem) {
            $items = [System.Collections.Generic.List[string]]::new()
            $ordered = $Matches[1] -match '\d'
            while ($i -lt $Lines.Count -and $Lines[$i] -match $listItem) {
                $item = $Matches[2]
                $i++
                while ($i -lt $Lines.Count -and $Lines[$i] -match '^\s+\S' -and $Lines[$i] -notmatch $listItem) { $item += ' ' + $Lines[$i].Trim(); $i++ }
                $items.Add($item)
                # Items may be separated by blank lines; the list goes on while the next text is an item.
                $next = $i
                while ($next -lt $Lines.Count -and $Lines[$next] -match '^\s*$') { $next++ }
                if ($next -lt $Lines.Count -and $Lines[$next] -match $listItem) { $i = $next }
            }
            $blocks.Add([pscustomobject]@{ Kind = 'List'; Items = $items.ToArray(); Ordered = $ordered })
        }
        else {
            $text = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $Lines.Count -and $Lines[$i] -notmatch '^\s*$' -and $Lines[$i] -notmatch '^\s*(```|<!--|\|)') {
                $text.Add($Lines[$i].Trim()); $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Paragraph'; Text = $text -join ' ' })
        }
    }
    , $blocks.ToArray()
}

# Markdown emphasis and code marks mean nothing in a console; links keep their text, and their address when
# it is one a reader can open.
function ConvertFrom-MarkdownInline {
    param([string] $Text)
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)\s]+)\)', {
            param($m)
            if ($m.Groups[2].Value -match '^https?://') { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } else { $m.Groups[1].Value }
        })
    $Text = $Text -replace '\*\*(.+?)\*\*', '$1' -replace '`([^`]+)`', '$1'
    $Text -replace '\\([\\`*_\[\]<>|#])', '$1'
}

function Format-Wrapped {
    param([string] $Text, [int] $Width)
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ''
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if ($line.Length -gt 0 -and $line.Length + 1 + $word.Length -gt $Width) { $lines.Add($line); $line = $word }
        elseif ($line.Length -gt 0) { $line += " $word" }
        else { $line = $word }
    }
    if ($line.Length -gt 0) { $lines.Add($line) }
    $lines
}

# A block as console text within -Width columns; code and tables keep their lines, code indented a step.
function Format-HelpBlock {
    param([Parameter(Mandatory)] $Block, [int] $Width = 76)
    switch ($Block.Kind) {
        'Paragraph' { Format-Wrapped (ConvertFrom-MarkdownInline $Block.Text) $Width }
        'List' {
            $number = 0
            foreach ($item in $Block.Items) {
                $marker = if ($Block.Ordered) { "$(++$number). " } else { '- ' }
                $wrapped = @(Format-Wrapped (ConvertFrom-MarkdownInline $item) ($Width - $marker.Length))
                for ($j = 0; $j -lt $wrapped.Count; $j++) {
                    $(if ($j -eq 0) { $marker } else { ' ' * $marker.Length }) + $wrapped[$j]
                }
            }
        }
        'Code' { $Block.Lines | ForEach-Object { if ($_) { "    $_" } else { '' } } }
        'Table' {
            # Columns aligned; the last one wraps so that the table fits the width.
            $cells = @($Block.Rows | ForEach-Object { , @($_ | ForEach-Object { ConvertFrom-MarkdownInline $_ }) })
            $columns = ($cells | ForEach-Object Count | Measure-Object -Maximum).Maximum
            $widths = @(foreach ($c in 0..($columns - 1)) { ($cells | ForEach-Object { if ($c -lt $_.Count) { $_[$c].Length } else { 0 } } | Measure-Object -Maximum).Maximum })
            $fixed = ($widths | Select-Object -SkipLast 1 | ForEach-Object { $_ + 2 } | Measure-Object -Sum).Sum
            $widths[-1] = [Math]::Min($widths[-1], [Math]::Max(20, $Width - $fixed))
            for ($r = 0; $r -lt $cells.Count; $r++) {
                $row = @($cells[$r]) + @('') * ($columns - $cells[$r].Count)
                $prefix = -join ($row | Select-Object -SkipLast 1 | ForEach-Object -Begin { $c = 0 } -Process { $_.PadRight($widths[$c++] + 2) })
                $last = @(Format-Wrapped $row[-1] $widths[-1])
                if (-not $last) { $last = @('') }
                ($prefix + $last[0]).TrimEnd()
                $last | Select-Object -Skip 1 | ForEach-Object { (' ' * $prefix.Length) + $_ }
                if ($r -eq 0) { ($widths | ForEach-Object { '-' * $_ }) -join '  ' }
            }
        }
        'Comment' { }
    }
}

# The examples of a cmdlet page: title, code (the first powershell block), sample output (an "output" block),
# remarks (the other blocks), and whether the tests run it (a "runnable" comment, optionally with replies
# the test server gives, as JSON).
function Get-HelpExample {
    param([Parameter(Mandatory)] $Page)
    if (-not $Page.Sections.Contains('EXAMPLES')) { return }
    foreach ($sub in $Page.Sections['EXAMPLES'].Subsections) {
        $code = @($sub.Blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'powershell' }) | Select-Object -First 1
        $output = @($sub.Blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'output' }) | Select-Object -First 1
        $marker = @($sub.Blocks | Where-Object { $_.Kind -eq 'Comment' -and $_.Text -match '^runnable\b' }) | Select-Object -First 1
        $replies = if ($marker -and $marker.Text -match '(?s)^runnable\s+replies:\s*(.+)$') { $Matches[1].Trim() }
        [pscustomobject]@{
            Title    = $sub.Title
            Code     = if ($code) { $code.Lines -join "`n" } else { '' }
            Output   = if ($output) { $output.Lines -join "`n" } else { '' }
            Remarks  = @($sub.Blocks | Where-Object { $_ -ne $code -and $_ -ne $output -and $_.Kind -ne 'Comment' })
            Runnable = [bool]$marker
            Replies  = $replies
        }
    }
}

# The parameters a cmdlet page documents: name (without the dash), description blocks, and yaml blocks.
function Get-HelpParameter {
    param([Parameter(Mandatory)] $Page)
    if (-not $Page.Sections.Contains('PARAMETERS')) { return }
    foreach ($sub in $Page.Sections['PARAMETERS'].Subsections) {
        [pscustomobject]@{
            Name        = $sub.Title -replace '^-', ''
            Description = @($sub.Blocks | Where-Object { $_.Kind -ne 'Code' -and $_.Kind -ne 'Comment' })
            Yaml        = @($sub.Blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' } | ForEach-Object { , $_.Lines })
        }
    }
}

Export-ModuleMember -Function Read-HelpMarkdown, ConvertFrom-MarkdownInline, Format-Wrapped, Format-HelpBlock, Get-HelpExample, Get-HelpParameter
