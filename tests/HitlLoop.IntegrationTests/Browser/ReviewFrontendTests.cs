using System.Net.Http.Json;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HitlLoop.IntegrationTests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HitlLoop.IntegrationTests.Browser;

/// <summary>
/// A reviewer works the queue through the page the embedded host serves, in a real Chromium: the first-try
/// runtime a new team opens in a browser, running as its own process on a real port.
/// </summary>
[NonParallelizable]
public sealed class ReviewFrontendTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string ReviewerId = "bea";
    private const string ReviewerName = "Bea Reviewer";
    private const string ReviewerToken = "browser-test-token";

    // The embedded host's demo chat product (its appsettings.json): seeds the queue, and cannot review.
    /// <summary>The demo key of the embedded default's appsettings: reviewer and lead.</summary>
    private const string LeadToken = "demo-token";

    private const string ProductKey = "demo-product-key";

    /// <summary>
    /// A test with this property runs against a host shaped as production serves the pages: Feedback's and
    /// PatternLearner's APIs on another origin (<see cref="ApiHost"/>, the same process under another name), which
    /// allows the pages' origin.
    /// </summary>
    private const string ApisElsewhere = "ApisElsewhere";

    /// <summary>A test with this property gets leases this many seconds long, so one runs out within the test.</summary>
    private const string LeaseSeconds = "LeaseSeconds";

    private const string ApiHost = "api.hitl.test";

    private static readonly string _screenshotDirectory = Path.Combine(Path.GetTempPath(), "hitlloop-screenshots");

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-browser", Guid.NewGuid().ToString("N"));
    private ServiceProcess? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    [SetUp]
    public async Task StartHostAndBrowser()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Ignore($"Chromium is not installed at {ChromiumPath} (apt-get install -y chromium); " +
                          "Playwright's own browser download is unavailable on these machines, so the browser test cannot run.");
        }

        var port = ServiceProcess.FreePort();
        var properties = TestContext.CurrentContext.Test.Properties;
        var variant = new Dictionary<string, string>();
        if (properties.ContainsKey(ApisElsewhere))
        {
            variant["ReviewQueue__Frontend__FeedbackUrl"] = $"http://{ApiHost}:{port}/";
            variant["ReviewQueue__Frontend__PatternLearnerUrl"] = $"http://{ApiHost}:{port}/";
            variant["Hitl__Cors__Origins__0"] = $"http://127.0.0.1:{port}";
        }

        if (properties.Get(LeaseSeconds) is int seconds)
        {
            variant["ReviewQueue__LeaseDuration"] = TimeSpan.FromSeconds(seconds).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        _host = await ServiceProcess.StartAsync("Embedded", port, new Dictionary<string, string>(variant)
        {
            // appsettings.json names a Urls key, which outranks ASPNETCORE_URLS; this setting outranks both.
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Hitl__Embedded__DataDirectory"] = _dataDirectory,

            // Appended after the three demo keys of appsettings.json; a lower index would merge into one of them.
            ["Hitl__Auth__ApiKeys__9__Id"] = ReviewerId,
            ["Hitl__Auth__ApiKeys__9__Name"] = ReviewerName,
            ["Hitl__Auth__ApiKeys__9__Key"] = ReviewerToken,
            ["Hitl__Auth__ApiKeys__9__Roles__0"] = "reviewer",
        });

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",

                // The second name of the host, for the tests whose APIs live on another origin.
                $"--host-resolver-rules=MAP {ApiHost} 127.0.0.1",
            ],
        });

        // The page follows the live queue; a generous expectation keeps slow CI machines honest.
        SetDefaultExpectTimeout(15_000);
    }

    [TearDown]
    public async Task StopHostAndBrowser()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_host is not null)
        {
            await FailureReport.WriteIfFailedAsync(("embedded host", _host.Output));
            await _host.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // The host never got to create it.
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    [Test]
    public async Task A_reviewer_signs_in_claims_the_most_urgent_item_and_submits_an_edit()
    {
        var host = _host!;
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReviewerToken);
        var run = Guid.NewGuid().ToString("N")[..8];
        await SeedAsync(host.Http, Scored(
            $"parcel-{run}", 0.35,
            query: "The tracking page says my parcel was delivered yesterday, but nothing arrived. What can I do?",
            response: "Once a parcel is marked as delivered it is no longer our responsibility."));
        await SeedAsync(host.Http, Scored(
            $"email-{run}", 0.55,
            // Markup in customer text must reach the reviewer as the characters the customer typed.
            query: "Can I change the billing email? <img src=x onerror=\"document.body.dataset.injected='yes'\">",
            response: "Billing emails cannot be changed."));

        // Claim next takes the head of the queue, whatever order the router's priorities and due times give.
        var pending = await Eventually.Get(
            async () => (await Json.GetAsync(host.Http, "api/reviews?status=pending")).GetProperty("items"),
            items => items.GetArrayLength() == 2,
            TimeSpan.FromSeconds(30),
            "both seeded responses to reach the review queue");
        var head = pending[0];
        var headId = head.GetProperty("id").GetString()!;
        var otherId = pending[1].GetProperty("id").GetString()!;

        var (page, pageErrors) = await OpenPageAsync();

        // A wrong token is turned away, and the reviewer stays at the sign-in box.
        await page.GetByLabel("Reviewer token").FillAsync("not-a-reviewer");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Unknown token");
        await Expect(page.GetByLabel("Reviewer token")).ToBeVisibleAsync();
        await Screenshot(page, "sign-in");

        // A real key without a reviewer role is told so, rather than that it is unknown.
        await page.GetByLabel("Reviewer token").FillAsync(ProductKey);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This token cannot review: it needs the reviewer, lead or admin role");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("demo-product holds the role product");
        await Expect(page.GetByLabel("Reviewer token")).ToBeVisibleAsync();

        await SignInAsync(page);

        var claimButtons = ClaimButtons(page);
        var queue = page.GetByRole(AriaRole.List, new PageGetByRoleOptions { Name = "Pending reviews, most urgent first" });
        await Expect(claimButtons).ToHaveCountAsync(2);
        await Expect(queue).ToContainTextAsync("nothing arrived");
        await Expect(queue).ToContainTextAsync("<img src=x onerror=");
        await Expect(queue.Locator("img")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Claim next", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = $"Review {headId}" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Region, new PageGetByRoleOptions { Name = "Customer asked" }))
            .ToContainTextAsync(head.GetProperty("query").GetString()!);
        await Expect(page.GetByRole(AriaRole.Region, new PageGetByRoleOptions { Name = "Bot answered" }))
            .ToContainTextAsync(head.GetProperty("response").GetString()!);
        await Expect(page.GetByRole(AriaRole.Region, new PageGetByRoleOptions { Name = "Retrieved sources" })).ToContainTextAsync("Refund policy");
        await Expect(claimButtons).ToHaveCountAsync(1);
        await Screenshot(page, "claimed");

        // The service's own validation comes back as problem details and is shown beside the form.
        await page.GetByLabel("Edit: fix the answer").CheckAsync();
        var corrected = page.GetByLabel("Corrected answer");
        await Expect(corrected).ToHaveValueAsync(head.GetProperty("response").GetString()!);
        await corrected.FillAsync("");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Submit review" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("correctedText is required");
        await Expect(corrected).ToHaveAttributeAsync("aria-invalid", "true");
        await Screenshot(page, "invalid");

        var correction = $"I am sorry it has not arrived. I have opened a trace with the carrier for review {headId}; " +
                         "if it is not found within 48 hours we will send a replacement at no cost.";
        await corrected.FillAsync(correction);
        await page.GetByLabel("Overall").SelectOptionAsync("2");
        await page.GetByLabel("missing context").CheckAsync();
        await page.GetByLabel("Severity").SelectOptionAsync("medium");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Submit review" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = $"Submitted review {headId}: edited" }))
            .ToBeVisibleAsync();
        await Expect(claimButtons).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Claim review {otherId}" })).ToBeEnabledAsync();
        await Screenshot(page, "submitted");

        await Expect(page.Locator("body[data-injected]")).ToHaveCountAsync(0);

        var completed = await Json.GetAsync(host.Http, $"api/reviews/{Uri.EscapeDataString(headId)}");
        var result = completed.GetProperty("result");
        Assert.Multiple(() =>
        {
            Assert.That(completed.GetProperty("status").GetString(), Is.EqualTo("completed"));
            Assert.That(result.GetProperty("verdict").GetString(), Is.EqualTo("edited"));
            Assert.That(result.GetProperty("correctedText").GetString(), Is.EqualTo(correction));
            Assert.That(result.GetProperty("reviewerId").GetString(), Is.EqualTo(ReviewerId));
            Assert.That(pageErrors, Is.Empty, "uncaught errors or missing assets in the page");
        });
    }

    [Test]
    public async Task A_reviewer_can_take_a_chosen_item_give_it_back_and_is_told_when_nothing_is_left()
    {
        var host = _host!;
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReviewerToken);
        var id = $"plan-{Guid.NewGuid().ToString("N")[..8]}";
        await SeedAsync(host.Http, Scored(id, 0.4, query: "Which plan includes phone support?", response: "All plans include phone support."));
        await Eventually.Get(
            async () => (await Json.GetAsync(host.Http, "api/reviews?status=pending")).GetProperty("items"),
            items => items.GetArrayLength() == 1,
            TimeSpan.FromSeconds(30),
            "the seeded response to reach the review queue");

        var (page, pageErrors) = await OpenPageAsync();
        await SignInAsync(page);
        var claimNext = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Claim next", Exact = true });

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Claim review {id}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = $"Review {id}" })).ToBeVisibleAsync();
        await Expect(ClaimButtons(page)).ToHaveCountAsync(0);
        await Expect(claimNext).ToBeDisabledAsync();

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Release back to queue" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = $"Released review {id}" })).ToBeVisibleAsync();
        await Expect(ClaimButtons(page)).ToHaveCountAsync(1);

        await claimNext.ClickAsync();
        await page.GetByLabel("Approve: good as it is").CheckAsync();
        await Expect(page.GetByLabel("Corrected answer")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Submit review" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = $"Submitted review {id}: approved" })).ToBeVisibleAsync();
        await Expect(ClaimButtons(page)).ToHaveCountAsync(0);

        await claimNext.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = "The queue is empty" })).ToBeVisibleAsync();

        var completed = await Json.GetAsync(host.Http, $"api/reviews/{id}");
        Assert.Multiple(() =>
        {
            Assert.That(completed.GetProperty("result").GetProperty("verdict").GetString(), Is.EqualTo("approved"));
            Assert.That(pageErrors, Is.Empty, "uncaught errors or missing assets in the page");
        });
    }

    [Test]
    public async Task A_new_review_shows_up_on_an_open_page_at_once_and_a_skipped_one_is_not_served_again()
    {
        var host = _host!;
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReviewerToken);
        var (page, pageErrors) = await OpenPageAsync();
        await SignInAsync(page);
        await Expect(page.GetByText("No reviews waiting")).ToBeVisibleAsync();

        var id = $"live-{Guid.NewGuid().ToString("N")[..8]}";
        await SeedAsync(host.Http, Scored(id, 0.3, query: "Can I pause my subscription?", response: "No."));

        // Well inside the 30 s fallback poll: only the live stream can have brought it.
        await Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Claim review {id}" }))
            .ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 10_000 });

        // The reviewer passes on it with a reason; it is not served to them again.
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Claim review {id}" }).ClickAsync();
        await page.GetByText("Skip this review").ClickAsync();
        await page.GetByLabel("Why you skip it").FillAsync("I do not know our subscription terms");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Skip review" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = $"Skipped review {id}" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Claim next", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = "The queue is empty" })).ToBeVisibleAsync();
        Assert.That(pageErrors, Is.Empty, "uncaught errors or missing assets in the page");
    }

    [Test]
    public async Task A_reviewer_works_from_the_keyboard_sees_the_word_diff_cannot_send_an_unchanged_edit_and_keeps_a_draft_over_a_reload()
    {
        var host = _host!;
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReviewerToken);
        var run = Guid.NewGuid().ToString("N")[..8];
        const string answer = "Refunds are possible within 14 days of purchase.";
        await SeedAsync(host.Http, Scored($"keys-a-{run}", 0.3, query: "Can I still get a refund after three weeks?", response: answer));
        await SeedAsync(host.Http, Scored($"keys-b-{run}", 0.4, query: "Do you ship to Norway?", response: "Yes, we ship to Norway."));
        await PendingAsync(host, 2, "both seeded responses to reach the review queue");

        var (page, pageErrors) = await OpenPageAsync();

        // Signing in takes the keyboard too: Tab to the token, type it, Enter.
        for (var tab = 0; tab < 6 && !await page.EvaluateAsync<bool>("() => document.activeElement?.id === 'token'"); tab++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Expect(page.GetByLabel("Reviewer token")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(ReviewerToken);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByText($"Signed in as {ReviewerName}")).ToBeVisibleAsync();
        await Expect(ClaimButtons(page)).ToHaveCountAsync(2);
        await Expect(page.Locator("#queue-priorities")).ToHaveTextAsync("2 high");
        await Expect(page.Locator("#my-stats")).ToContainTextAsync("0 reviews");

        // The help is on screen, from the keyboard.
        await page.Keyboard.PressAsync("?");
        await Expect(page.GetByRole(AriaRole.Dialog, new PageGetByRoleOptions { Name = "Keyboard shortcuts" })).ToBeVisibleAsync();
        await Screenshot(page, "help");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeHiddenAsync();

        // N claims the next review; E edits; the unchanged answer cannot be sent, and the screen says why.
        await page.Keyboard.PressAsync("n");
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { NameRegex = new Regex($"^Review keys-") })).ToBeVisibleAsync();
        var reviewId = (await page.Locator("#review-id").TextContentAsync())!;
        await Expect(page.Locator("#review-lease")).ToContainTextAsync("Held for you");
        var facts = page.Locator("#review-facts");
        await Expect(facts).ToContainTextAsync("Sentiment-0.10");
        await Expect(page.Locator("#review-account")).ToContainTextAsync("support-bot-2025.06.1");
        Assert.That(await page.Locator("#review-lease").BoundingBoxAsync() is { Y: < 800 }, Is.True, "the lease shows above the fold at 1280×800");
        await page.Keyboard.PressAsync("e");
        var corrected = page.GetByLabel("Corrected answer");
        await Expect(corrected).ToBeFocusedAsync();
        await Expect(page.GetByText("This is the bot's answer unchanged")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Submit review" })).ToBeDisabledAsync();

        // Typing shows the word-level diff at once.
        await corrected.FillAsync("Refunds are possible within 30 days of purchase, and always for a faulty item.");
        var diff = page.Locator("#edit-diff");
        await Expect(diff.Locator("del").First).ToHaveTextAsync("14");
        await Expect(diff.Locator("ins").First).ToContainTextAsync("30");
        await Expect(diff.Locator("ins").Last).ToContainTextAsync("faulty item.");
        await Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Submit review" })).ToBeEnabledAsync();
        await Screenshot(page, "diff");

        // A reload brings the review and the draft back.
        await page.ReloadAsync();
        await Expect(page.Locator("#review-id")).ToHaveTextAsync(reviewId);
        await Expect(page.GetByText("Your draft of review")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Corrected answer")).ToHaveValueAsync("Refunds are possible within 30 days of purchase, and always for a faulty item.");
        await Expect(page.Locator("#edit-diff del").First).ToHaveTextAsync("14");

        // E goes back to the text box, Ctrl+Enter submits from it; N takes the next; A and Ctrl+Enter approve it.
        await page.Keyboard.PressAsync("e");
        await Expect(page.GetByLabel("Corrected answer")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = $"Submitted review {reviewId}: edited" })).ToBeVisibleAsync();
        await Expect(page.Locator("#my-stats")).ToContainTextAsync("1 review");
        await page.Keyboard.PressAsync("n");
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { NameRegex = new Regex("^Review keys-") })).ToBeVisibleAsync();
        var second = (await page.Locator("#review-id").TextContentAsync())!;
        await page.Keyboard.PressAsync("a");
        await page.Keyboard.PressAsync("Control+Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = $"Submitted review {second}: approved" })).ToBeVisibleAsync();

        var first = await Json.GetAsync(host.Http, $"api/reviews/{Uri.EscapeDataString(reviewId)}");
        Assert.That(first.GetProperty("result").GetProperty("correctedText").GetString(), Does.Contain("30 days"));
        Assert.That(await page.EvaluateAsync<int>("() => Object.keys(localStorage).filter(k => k.startsWith('hitl-review-draft:')).length"), Is.Zero, "a submitted review leaves no draft");
        Assert.That(pageErrors, Is.Empty, "uncaught errors or missing assets in the page");
    }

    [TestCase(1280, 800)]
    [TestCase(390, 844)]
    public async Task Axe_finds_no_serious_or_critical_violation_on_the_sign_in_the_review_and_the_help(int width, int height)
    {
        var axe = Repository.PathOf("tests", "HitlLoop.IntegrationTests", "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(axe))
        {
            Assert.Ignore("axe-core is not installed (test.sh runs npm ci in tests/HitlLoop.IntegrationTests)");
        }

        var host = _host!;
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReviewerToken);
        await SeedAsync(host.Http, Scored($"axe-{width}-{Guid.NewGuid().ToString("N")[..6]}", 0.3, query: "Where is my parcel?", response: "It is on its way."));

        // The page's CSP allows only its own scripts; the checker is injected past it, in this context only.
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, BypassCSP = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.BaseAddress.ToString());
        var problems = new List<string>();
        await CheckAsync("sign-in");
        await SignInAsync(page);
        await Expect(ClaimButtons(page).First).ToBeVisibleAsync();
        await CheckAsync("queue");
        await page.Keyboard.PressAsync("n");
        await Expect(page.Locator("#review-id")).ToContainTextAsync("axe-");
        await page.Keyboard.PressAsync("e");
        await page.GetByLabel("Corrected answer").FillAsync("It left our warehouse yesterday; the carrier's tracking link is in your email.");
        await CheckAsync("review");
        await page.Locator("#review-title").FocusAsync();
        await page.Keyboard.PressAsync("?");
        await CheckAsync("help");
        await Screenshot(page, $"review-{width}x{height}");

        Assert.That(problems, Is.Empty, string.Join("\n", problems));

        async Task CheckAsync(string screen)
        {
            await AxeAsync(page, axe, $"{screen} at {width}x{height}", problems);
            problems.AddRange((await TooWideAsync(page)).Select(element => $"{screen} at {width}x{height}: {element} reaches past the screen's edge"));
        }
    }

    /// <summary>Elements reaching past the viewport's right edge (a table inside its scrolling box aside): the page would scroll sideways.</summary>
    private static Task<string[]> TooWideAsync(IPage page) => page.EvaluateAsync<string[]>(
        "() => [...document.querySelectorAll('body *')]" +
        ".filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))" +
        ".map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} ${Math.round(e.getBoundingClientRect().right)}px`)");

    [Test]
    public async Task A_lead_sees_the_queue_the_reviewers_and_the_loop_s_metrics_drawn_against_their_targets()
    {
        var host = _host!;
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LeadToken);
        var run = Guid.NewGuid().ToString("N")[..6];
        await SeedAsync(host.Http, Scored($"lead-doubt-{run}", 0.3, query: "Can I return a used item?", response: "No."));
        await SeedAsync(host.Http, Scored($"lead-sure-{run}", 0.97, query: "What are your opening hours?", response: "Nine to five."));

        // Router reports the day's review rate to Feedback every few seconds.
        await Eventually.Get(
            async () => (await Json.GetAsync(host.Http, "api/feedback/metrics/series?bucket=day&count=1")).GetProperty("buckets")[0]
                .GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "review_rate").GetProperty("value"),
            value => value.ValueKind == System.Text.Json.JsonValueKind.Number,
            TimeSpan.FromSeconds(60),
            "Feedback to hold today's review rate");

        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, BypassCSP = true });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(host.BaseAddress.ToString());
        await page.GetByLabel("Reviewer token").FillAsync(LeadToken);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Lead view" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Queue" })).ToBeVisibleAsync();
        await Expect(page.Locator("#queue-health")).ToContainTextAsync(new Regex("Pending[12]"));
        await Expect(page.Locator("#reviewer-rows")).ToContainTextAsync("Demo Reviewer");
        var reviewRate = page.Locator("figure[data-metric=review_rate]");
        await Expect(reviewRate.Locator("circle")).ToHaveCountAsync(1);
        // One response of two went to review (both, when the random audit sampled the confident one).
        await Expect(reviewRate.Locator(".chart-value")).ToHaveTextAsync(new Regex("^(50|100)%$"));
        await Expect(reviewRate.Locator("svg")).ToHaveAttributeAsync("aria-label", new Regex("^Review rate: latest (50|100)% against a target under 10%"));
        await Expect(page.Locator("figure[data-metric]")).ToHaveCountAsync(6);
        await Screenshot(page, "lead");

        var problems = new List<string>();
        var axe = Repository.PathOf("tests", "HitlLoop.IntegrationTests", "node_modules", "axe-core", "axe.min.js");
        if (File.Exists(axe))
        {
            await AxeAsync(page, axe, "lead view", problems);
        }

        // On a phone the same view stacks: the charts, tables and forms stay usable and labelled.
        await page.SetViewportSizeAsync(390, 844);
        await Expect(page.Locator("figure[data-metric]")).ToHaveCountAsync(6);
        Assert.That(await TooWideAsync(page), Is.Empty, "nothing but a table (which scrolls in its own box) reaches past 390 px");
        await Screenshot(page, "lead-390x844");
        if (File.Exists(axe))
        {
            await AxeAsync(page, axe, "lead view at 390×844", problems);
        }

        Assert.That(problems, Is.Empty, string.Join("\n", problems));
        Assert.That(errors, Is.Empty, "uncaught errors in the page");
    }

    [Test]
    public async Task A_lead_sees_blind_reviewers_answers_side_by_side_and_decides_the_disagreement()
    {
        var host = _host!;
        var id = $"split-{Guid.NewGuid().ToString("N")[..6]}";
        var scored = Scored(id, 0.95, query: "Can I get a refund on a sale item?", response: "Sale items cannot be refunded.");
        scored["committeeScores"] = new JsonObject { ["judge-a"] = 0.95, ["judge-b"] = 0.35 };
        await SeedAsync(host.Http, scored);
        await Eventually.Get(
            async () =>
            {
                using var reviewer = Client(host, ReviewerToken);
                return (await reviewer.GetAsync(new Uri($"api/reviews/{Uri.EscapeDataString(id)}", UriKind.Relative))).StatusCode;
            },
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            "the committee's disagreement to reach the queue for two reviews");

        // Two reviewers, blind to each other: one approves, one edits.
        await ReviewAsync(ReviewerToken, new { verdict = "approved" });
        await ReviewAsync(LeadToken, new { verdict = "edited", correctedText = "Sale items are refunded within 14 days, like any other item." });

        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(host.BaseAddress.ToString());
        await page.GetByLabel("Reviewer token").FillAsync(LeadToken);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Lead view" }).ClickAsync();

        var card = page.GetByRole(AriaRole.Article, new PageGetByRoleOptions { Name = id });
        await Expect(card).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        await Expect(card.GetByRole(AriaRole.Region, new LocatorGetByRoleOptions { Name = $"Review by {ReviewerId}" })).ToContainTextAsync("approved");
        await Expect(card.GetByRole(AriaRole.Region, new LocatorGetByRoleOptions { Name = "Review by demo-reviewer" })).ToContainTextAsync("refunded within 14 days");
        await Expect(card.Locator(".peer.differs")).ToHaveCountAsync(2);
        await Screenshot(page, "disputed");

        await card.GetByLabel("edited").CheckAsync();
        await card.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Decide" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = $"Decided {id}: edited" })).ToBeVisibleAsync();
        await Expect(card).ToHaveCountAsync(0);
        Assert.That(errors, Is.Empty, "uncaught errors in the page");

        async Task ReviewAsync(string bearer, object submission)
        {
            using var client = Client(host, bearer);
            using var claimed = await client.PostAsync(new Uri($"api/reviews/{Uri.EscapeDataString(id)}/claim", UriKind.Relative), null);
            Assert.That(claimed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await claimed.Content.ReadAsStringAsync());
            using var submitted = await client.PostAsJsonAsync($"api/reviews/{Uri.EscapeDataString(id)}/submit", submission);
            Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await submitted.Content.ReadAsStringAsync());
        }
    }

    private static HttpClient Client(ServiceProcess host, string bearer)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>Runs axe-core in the page; adds each serious or critical violation to <paramref name="problems"/>.</summary>
    private static async Task AxeAsync(IPage page, string axe, string screen, List<string> problems)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = axe });
        var found = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }))");
        foreach (var violation in found.EnumerateArray())
        {
            var impact = violation.GetProperty("impact").GetString();
            if (impact is "serious" or "critical")
            {
                problems.Add($"{screen}: {impact} {violation.GetProperty("id").GetString()}: {violation.GetProperty("help").GetString()} ({violation.GetProperty("nodes")})");
            }
        }
    }

    [Test]
    [Property(ApisElsewhere, "yes")]
    public async Task A_lead_manages_reviewers_and_rules_with_feedback_and_patterns_served_from_another_origin()
    {
        var host = _host!;
        var run = Guid.NewGuid().ToString("N")[..6];
        var reviewer = new HttpClient { BaseAddress = host.BaseAddress };
        reviewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReviewerToken);
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LeadToken);

        // Three answers corrected the same way make a pattern, and PatternLearner words its rule.
        for (var i = 0; i < 3; i++)
        {
            await SeedAsync(host.Http, Scored($"rule-{run}-{i}", 0.3, query: $"Where is my order number {i}?", response: "It is on its way."));
        }

        for (var i = 0; i < 3; i++)
        {
            var id = Uri.EscapeDataString($"rule-{run}-{i}");
            await Eventually.Get(() => reviewer.PostAsync(new Uri($"api/reviews/{id}/claim", UriKind.Relative), null), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), "the item to be claimable");
            using var submit = await reviewer.PostAsJsonAsync(
                $"api/reviews/{id}/submit",
                new { verdict = "edited", correctedText = $"I'm sorry for the wait. Your order {i} left our warehouse yesterday; the tracking link in your confirmation email shows where it is now, and it should arrive within two working days." });
            Assert.That(submit.StatusCode, Is.EqualTo(HttpStatusCode.OK), await submit.Content.ReadAsStringAsync());
        }

        var patterns = await Eventually.Get(
            () => Json.GetAsync(host.Http, "api/patterns"),
            p => p.EnumerateArray().Any(e => e.GetProperty("ruleVersion").GetInt32() > 0),
            TimeSpan.FromSeconds(60),
            "a rule learned from the three corrections");
        var ruled = patterns.EnumerateArray().First(e => e.GetProperty("ruleVersion").GetInt32() > 0);
        var patternId = ruled.GetProperty("id").GetString()!;

        // No CSP bypass here: the page's own policy must let it reach the other origin, and nothing else.
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        var crossOrigin = new List<string>();
        page.Request += (_, request) =>
        {
            if (new Uri(request.Url).Host == ApiHost)
            {
                crossOrigin.Add(new Uri(request.Url).AbsolutePath);
            }
        };
        await page.GotoAsync(host.BaseAddress.ToString());
        await page.GetByLabel("Reviewer token").FillAsync(LeadToken);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Lead view" }).ClickAsync();

        // The queue by priority, the charts and the rules, the last two from the other origin.
        await Expect(page.Locator("#queue-depth")).ToContainTextAsync("Urgent");
        await Expect(page.Locator("figure[data-metric]")).ToHaveCountAsync(6);
        await Expect(page.Locator("figure[data-metric=review_time_p50] circle")).ToHaveCountAsync(1);
        await Expect(page.Locator("figure[data-metric=review_time_p50] .chart-target")).ToContainTextAsync("target < 2 min");
        var rule = page.Locator($"article[data-pattern=\"{patternId}\"]");
        await Expect(rule).ToContainTextAsync("Not approved yet");
        await Expect(rule.Locator(".rule-text")).ToContainTextAsync("When");
        await Screenshot(page, "lead-rules");
        await rule.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { NameRegex = new Regex("^Approve rule ") }).ClickAsync();
        await Expect(page.Locator("#rules-status")).ToContainTextAsync("Approved the rule");
        await Expect(rule).ToContainTextAsync("Approved by");
        var approved = await Json.GetAsync(host.Http, $"api/patterns/{Uri.EscapeDataString(patternId)}");
        Assert.That(approved.GetProperty("approvedVersion").GetInt32(), Is.EqualTo(approved.GetProperty("ruleVersion").GetInt32()));
        await rule.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { NameRegex = new Regex("^Retire rule ") }).ClickAsync();
        await Expect(rule).ToContainTextAsync("no longer served");
        Assert.That((await Json.GetAsync(host.Http, $"api/patterns/{Uri.EscapeDataString(patternId)}")).GetProperty("retired").GetBoolean(), Is.True);

        // A new reviewer with a specialization, then deactivated, from the keyboard-operable form and table.
        await page.GetByLabel("Reviewer id").FillAsync($"sam-{run}");
        await page.GetByLabel("Name").FillAsync("Sam Specialist");
        await page.GetByLabel("Categories").FillAsync("billing, returns");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Save reviewer" }).ClickAsync();
        var row = page.Locator($"tr[data-reviewer=\"sam-{run}\"]");
        await Expect(row).ToContainTextAsync("billing, returns");
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Deactivate Sam Specialist" }).ClickAsync();
        await Expect(row).ToContainTextAsync("deactivated");
        var saved = await Json.GetAsync(host.Http, $"api/reviewers/sam-{run}");
        Assert.That(saved.GetProperty("deactivated").GetBoolean(), Is.True);
        Assert.That(saved.GetProperty("specializations").GetProperty("categories").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "billing", "returns" }));
        await Screenshot(page, "lead-reviewers");

        Assert.That(crossOrigin, Has.Some.StartsWith("/api/feedback/").And.Some.StartsWith("/api/patterns"), "Feedback and PatternLearner were called on their own origin");
        Assert.That(errors, Is.Empty, "uncaught errors, CSP or CORS refusals in the page");
    }

    [Test]
    [Property(LeaseSeconds, 6)]
    public async Task An_expired_lease_and_a_lost_connection_keep_the_edit_and_the_review_is_claimed_again_and_sent()
    {
        var host = _host!;
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReviewerToken);
        var run = Guid.NewGuid().ToString("N")[..8];
        await SeedAsync(host.Http, Scored($"lease-{run}", 0.3, query: "Can I change my delivery address?", response: "No."));
        await PendingAsync(host, 1, "the seeded response to reach the review queue");

        var (page, pageErrors) = await OpenPageAsync();
        await SignInAsync(page);
        await page.Keyboard.PressAsync("n");
        await Expect(page.Locator("#review-id")).ToHaveTextAsync($"lease-{run}");
        await page.Keyboard.PressAsync("e");
        const string edit = "Yes: until the parcel ships you can change the address under Orders, Edit delivery.";
        await page.GetByLabel("Corrected answer").FillAsync(edit);

        // The connection drops: the heartbeat cannot renew the lease, and it runs out on the server.
        await page.Context.SetOfflineAsync(true);
        await Expect(page.Locator("#review-lease")).ToContainTextAsync("Your claim expired", new LocatorAssertionsToContainTextOptions { Timeout = 20_000 });
        await page.GetByLabel("Corrected answer").FocusAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await Expect(page.Locator("#problem")).ToContainTextAsync("cannot be reached");
        await Expect(page.GetByLabel("Corrected answer")).ToHaveValueAsync(edit);
        await Screenshot(page, "offline");

        // Back online, the expired claim is refused, claimed again from the screen, and the kept edit is sent.
        await page.Context.SetOfflineAsync(false);
        await PendingAsync(host, 1, "the expired claim to put the item back in the queue");
        await Expect(page.Locator("#queue-status")).Not.ToContainTextAsync("cannot be reached");
        await Expect(ClaimButtons(page)).ToHaveCountAsync(1);
        await page.GetByLabel("Corrected answer").FocusAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        var reclaim = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { NameRegex = new Regex("^Claim (it )?again") });
        await Expect(reclaim).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Corrected answer")).ToHaveValueAsync(edit);
        await Screenshot(page, "lease-expired");
        await reclaim.ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("your edits are kept");
        await page.GetByLabel("Corrected answer").FocusAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new LocatorFilterOptions { HasText = $"Submitted review lease-{run}: edited" })).ToBeVisibleAsync();

        var done = await Json.GetAsync(host.Http, $"api/reviews/{Uri.EscapeDataString($"lease-{run}")}");
        Assert.That(done.GetProperty("result").GetProperty("correctedText").GetString(), Is.EqualTo(edit));
        Assert.That(pageErrors, Is.Empty, "uncaught errors or missing assets in the page");
    }

    private async Task<(IPage Page, List<string> Errors)> OpenPageAsync()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        // A missing stylesheet or icon breaks nothing a locator can see, so failed page assets count as errors too.
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && new Uri(response.Url).AbsolutePath.StartsWith("/review/", StringComparison.Ordinal))
            {
                errors.Add($"{response.Status} {response.Url}");
            }
        };

        await page.GotoAsync(_host!.BaseAddress.ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/review/$"));
        return (page, errors);
    }

    /// <summary>Waits until the queue holds <paramref name="count"/> pending reviews.</summary>
    private static async Task PendingAsync(ServiceProcess host, int count, string what) => await Eventually.Get(
        async () => (await Json.GetAsync(host.Http, "api/reviews?status=pending")).GetProperty("items").GetArrayLength(),
        pending => pending == count,
        TimeSpan.FromSeconds(30),
        what);

    private static async Task SignInAsync(IPage page)
    {
        await page.GetByLabel("Reviewer token").FillAsync(ReviewerToken);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByText($"Signed in as {ReviewerName}")).ToBeVisibleAsync();
    }

    private static ILocator ClaimButtons(IPage page) =>
        page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { NameRegex = new Regex("^Claim review ") });

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(_screenshotDirectory);
        var path = Path.Combine(_screenshotDirectory, $"review-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.ChangeExtension(path, ".full.png"), FullPage = true });
        await TestContext.Out.WriteLineAsync($"screenshot: {path}");
    }

    private static async Task SeedAsync(HttpClient http, JsonObject scored)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/responses", UriKind.Relative))
        {
            Content = new StringContent(scored.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ProductKey);
        using var response = await http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
    }

    private static JsonObject Scored(string id, double confidence, string query, string response) => new()
    {
        ["responseId"] = id,
        ["conversationId"] = "conv-" + id,
        ["productId"] = "support-bot",
        ["query"] = query,
        ["response"] = response,
        ["confidence"] = confidence,
        ["sentiment"] = -0.1,
        ["modelVersion"] = "support-bot-2025.06.1",
        ["scoredAt"] = DateTimeOffset.UtcNow.ToString("O"),
        ["context"] = new JsonObject
        {
            ["recentTurns"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["text"] = "Hello, I need some help with my order." },
                new JsonObject { ["role"] = "assistant", ["text"] = "Of course. What seems to be the problem?" }),
            ["retrievedSources"] = new JsonArray(
                new JsonObject { ["id"] = "kb-refunds", ["title"] = "Refund policy", ["snippet"] = "Lost parcels are refunded or replaced after a carrier trace." }),
            ["account"] = new JsonObject { ["accountId"] = "acct-1042", ["tier"] = "business", ["value"] = 12000 },
            ["stage"] = "post-purchase",
            ["category"] = "orders",
        },
    };
}
