using System.Text;
using MixtralPS.Core.Input;

namespace MixtralPS.Core.Tests.Input;

/// <summary>What the redactor hides, what it leaves alone, and that a second pass changes nothing.</summary>
public sealed class SecretRedactorTests
{
    private const string R = SecretRedactor.Placeholder;

    [Theory]
    [InlineData("Invoke-Thing -ApiKey abc123xyz -Verbose", $"Invoke-Thing -ApiKey {R} -Verbose")]
    [InlineData("Invoke-Thing -ApiKey 'abc 123'", $"Invoke-Thing -ApiKey '{R}'")]
    [InlineData("Invoke-Thing -ApiKey \"abc123\"", $"Invoke-Thing -ApiKey \"{R}\"")]
    [InlineData("Invoke-Thing -ApiKey:abc123", $"Invoke-Thing -ApiKey:{R}")]
    [InlineData("Connect-Api -Token t0k3n; Get-Thing", $"Connect-Api -Token {R}; Get-Thing")]
    [InlineData("Connect-Db -Password 'hunter2'", $"Connect-Db -Password '{R}'")]
    [InlineData("Connect-AzAccount -ClientSecret s3cr3t -Tenant contoso", $"Connect-AzAccount -ClientSecret {R} -Tenant contoso")]
    [InlineData("New-PSSession -Credential admin", $"New-PSSession -Credential {R}")]
    [InlineData("Set-Thing -accessToken 'abc'", $"Set-Thing -accessToken '{R}'")]
    [InlineData("mytool --api-key=abc123 --client-secret xyz", $"mytool --api-key={R} --client-secret {R}")]
    public void Hides_the_values_of_parameters_named_like_secrets(string text, string expected) => AssertRedacts(text, expected);

    [Theory]
    [InlineData("$env:MISTRAL_API_KEY = 'abc123'", $"$env:MISTRAL_API_KEY = '{R}'")]
    [InlineData("$Env:GITHUB_TOKEN=\"abc\"", $"$Env:GITHUB_TOKEN=\"{R}\"")]
    [InlineData("$apiKey = 'abc'; $cred.Password = 'pw'", $"$apiKey = '{R}'; $cred.Password = '{R}'")]
    [InlineData("export OPENAI_API_KEY=abc123", $"export OPENAI_API_KEY={R}")]
    [InlineData("https://x.test/v1?api_key=abc123&page=2", $"https://x.test/v1?api_key={R}&page=2")]
    [InlineData("{\"password\": \"p@ss\", \"user\": \"bob\"}", $"{{\"password\": \"{R}\", \"user\": \"bob\"}}")]
    [InlineData("@{ ClientSecret = 'abc'; Name = 'x' }", $"@{{ ClientSecret = '{R}'; Name = 'x' }}")]
    [InlineData("db:\n  password: hunter2\n", $"db:\n  password: {R}\n")]
    [InlineData("curl -H \"X-Api-Key: abc123\" https://x.test", $"curl -H \"X-Api-Key: {R}\" https://x.test")]
    public void Hides_values_assigned_to_names_like_secrets(string text, string expected) => AssertRedacts(text, expected);

    [Theory]
    [InlineData("Authorization: Bearer x", $"Authorization: Bearer {R}")]
    [InlineData("Authorization: Basic dXNlcjpwYXNz", $"Authorization: Basic {R}")]
    [InlineData("-Headers @{ Authorization = 'token ghx1234' }", $"-Headers @{{ Authorization = 'token {R}' }}")]
    [InlineData("Authorization: abc123def456", $"Authorization: {R}")]
    [InlineData("the server sent Bearer abc.def-123", $"the server sent Bearer {R}")]
    public void Hides_authorization_headers_and_bearer_tokens(string text, string expected) => AssertRedacts(text, expected);

    [Theory]
    [InlineData("Server=db;User Id=sa;Password=my pass;Encrypt=true", $"Server=db;User Id=sa;Password={R};Encrypt=true")]
    [InlineData("Server=db;Uid=sa;Pwd=abc123", $"Server=db;Uid=sa;Pwd={R}")]
    [InlineData("postgres://app:s3cret@db.local:5432/app", $"postgres://app:{R}@db.local:5432/app")]
    [InlineData("git clone https://bob:ghs_token@github.com/x/y", $"git clone https://bob:{R}@github.com/x/y")]
    [InlineData("ConvertTo-SecureString 'plain' -AsPlainText -Force", $"ConvertTo-SecureString '{R}' -AsPlainText -Force")]
    public void Hides_passwords_in_connection_strings_urls_and_secure_string_literals(string text, string expected) => AssertRedacts(text, expected);

    [Theory]
    [InlineData("key sk-proj-abcdefghijklmnop1234 was refused", $"key {R} was refused")]
    [InlineData("sk_live_abcdefghij123", R)]
    [InlineData("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", $"token {R}")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnop", R)]
    [InlineData("id AKIAIOSFODNN7EXAMPLE here", $"id {R} here")]
    [InlineData("xoxb-123456789012-abcdefghij", R)]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", R)]
    [InlineData("mistral key aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI2 rejected", $"mistral key {R} rejected")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----", $"-----BEGIN RSA PRIVATE KEY-----{R}-----END RSA PRIVATE KEY-----")]
    public void Hides_values_shaped_like_keys(string text, string expected) => AssertRedacts(text, expected);

    [Theory]
    [InlineData("Cannot find path '/home/ada/Projects2024/MixtralPS.Core.Tests/bin/Release/net10.0/x.dll'.")]
    [InlineData("C:\\Users\\Ada\\AppData\\Local\\Temp\\MixtralPS-Tests-2026\\Index.db")]
    [InlineData("commit 4f1c2a9e8b7d6c5f4e3a2b1c0d9e8f7a6b5c4d3e and tree 4F1C2A9E8B7D6C5F4E3A2B1C0D9E8F7A6B5C4D3E")]
    [InlineData("request 0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e, run 9F8E7D6C-5B4A-3210-FEDC-BA9876543210")]
    [InlineData("sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("ParameterArgumentValidationErrorNullNotAllowed,Microsoft.PowerShell.Commands.GetItemCommand")]
    [InlineData("System.Management.Automation, Version=7.6.0.500, Culture=neutral, PublicKeyToken=31bf3856ad364e35")]
    [InlineData("Invoke-MixtralChat -MaxTokens 50 -Model mistral-small-latest -TokenLimit 5")]
    [InlineData("The API key is invalid: check it. Invalid token: expired. Bearer authentication failed.")]
    [InlineData("Invoke-Thing -ApiKey $key -Token (Get-Secret x) -Password:$pw -Credential $cred")]
    [InlineData("$env:MISTRAL_API_KEY = $null; $apiKey = Read-Host -AsSecureString")]
    [InlineData("Get-ChildItem -Path ./src -Recurse -Filter *.cs | Select-Object -First 10")]
    [InlineData("The monkey and the turkey met a donkey. Whiskey=aged")]
    [InlineData("https://api.mistral.ai/v1/chat/completions")]
    [InlineData("ParameterBindingValidationException1 SystemManagementAutomationRuntime2x")]
    public void Leaves_ordinary_text_alone(string text) => AssertRedacts(text, text);

    // Piped diffs and source files: names like secrets with code, not literals, as their values.
    [Theory]
    [InlineData("+    var token = tokens[index];")]
    [InlineData("public Task RunAsync(CancellationToken cancellationToken = default)")]
    [InlineData("new Options { ApiKey = Key, Timeout = t };")]
    [InlineData("var key = entry.Key.ToString() ?? \"\";")]
    [InlineData("var token = context.CancellationToken;")]
    [InlineData("Key = ResolveKey();")]
    [InlineData("command.CommandText = \"SELECT value FROM meta WHERE key='generation'\";")]
    [InlineData("const client = new Client({ apiKey: process.env.MISTRAL_API_KEY, token: tokens[0] });")]
    [InlineData("PS> $env:MISTRAL_API_KEY = '<your key>'")]
    [InlineData("Get-MixtralModel [-ApiKey <securestring>] [-Endpoint <string>]")]
    [InlineData("password: ********")]
    [InlineData("MISTRAL_API_KEY: the API key, used when -ApiKey is not given; -Token or -Password may be passed instead.")]
    public void Leaves_code_and_placeholders_alone(string text) => AssertRedacts(text, text);

    [Theory]
    [InlineData("[db]\npassword = hunter2\n", $"[db]\npassword = {R}\n")]
    [InlineData("client(api_key='abc123')", $"client(api_key='{R}')")]
    [InlineData("WHERE key='sk9f8e7d6c5b4a'", $"WHERE key='{R}'")]
    public void Still_hides_literals_beside_code(string text, string expected) => AssertRedacts(text, expected);


    [Fact]
    public void Hides_a_key_in_a_failing_command_line_and_its_position_message()
    {
        var text = "At line:1 char:1\n+ Invoke-Api -Uri https://x.test -ApiKey 'sk-live-0123456789abcdefABCDEF'\n+ ~~~~~~~~~~";
        var result = SecretRedactor.Redact(text);

        Assert.Equal(1, result.Count);
        Assert.DoesNotContain("0123456789abcdef", result.Text);
        Assert.Contains($"-ApiKey '{R}'", result.Text);
        Assert.Contains("Invoke-Api -Uri https://x.test", result.Text);
    }

    [Theory]
    [InlineData("+ … Connect-Api aB3dE5gH7jK9mN1p …", $"+ … Connect-Api {R} …")]
    [InlineData("+ … N1pQ3sT5vX7zA9cE1gI2 -Verbose", $"+ … {R} -Verbose")]
    [InlineData("+ … Get-ChildItem -Path ./src …", "+ … Get-ChildItem -Path ./src …")]
    [InlineData("+ Invoke-Thing -ApiKey …", "+ Invoke-Thing -ApiKey …")]
    public void Hides_what_is_left_of_a_key_cut_by_an_ellipsis(string text, string expected) => AssertRedacts(text, expected);

    [Fact]
    public void Counts_each_value_it_replaces()
    {
        var result = SecretRedactor.Redact("-ApiKey a1 -Token b2 api_key=c3 Authorization: Bearer d4");
        Assert.Equal(4, result.Count);
    }

    [Fact]
    public void Treats_null_and_empty_text_as_nothing_to_hide()
    {
        Assert.Equal(new RedactedText("", 0), SecretRedactor.Redact(null!));
        Assert.Equal(new RedactedText("", 0), SecretRedactor.Redact(""));
    }

    [Fact]
    public void Covers_a_quoted_key_whose_closing_quote_was_cut_off()
    {
        AssertRedacts("Invoke-Thing -ApiKey 'abc123", $"Invoke-Thing -ApiKey '{R}");
    }

    [Fact]
    public void Redacts_a_megabyte_of_text_with_secrets_throughout()
    {
        var text = new StringBuilder();
        var i = 0;
        while (text.Length < 1_000_000)
        {
            text.Append("line ").Append(i++).Append(": Get-Item -Path /tmp/file.txt -ApiKey 'abc").Append(i).Append("' ; ok\n");
        }

        var result = SecretRedactor.Redact(text.ToString());

        Assert.Equal(i, result.Count);
        Assert.DoesNotContain("'abc", result.Text);
    }

    [Fact]
    public void Handles_text_without_spaces_or_closing_quotes()
    {
        var text = "-Token '" + new string('a', 200_000) + "\n" + new string('B', 200_000) + "password=" + new string('x', 100_000);
        var result = SecretRedactor.Redact(text);

        Assert.Equal(2, result.Count);
        Assert.DoesNotContain("aaaa", result.Text);
        Assert.DoesNotContain("xxxx", result.Text);
    }

    /// <summary>Asserts the redacted text, and that redacting it again finds nothing more.</summary>
    private static void AssertRedacts(string text, string expected)
    {
        var first = SecretRedactor.Redact(text);
        Assert.Equal(expected, first.Text);
        Assert.Equal(CountPlaceholders(expected), first.Count);

        var second = SecretRedactor.Redact(first.Text);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(0, second.Count);
    }

    private static int CountPlaceholders(string text) => (text.Length - text.Replace(R, "", StringComparison.Ordinal).Length) / R.Length;
}
