namespace HitlLoop.IntegrationTests.Support;

internal static class RouterSettings
{
    /// <summary>
    /// Environment for a Router whose decisions follow the confidence rule alone (no audits), so that a suite can
    /// expect exact counts: what the Router learns as a run goes (thresholds from verdicts, known mistakes, end-user
    /// reactions, novel queries) would move them with the timing. RouterOnRabbitMqTests covers the learning.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> ConfidenceRuleOnly { get; } = new Dictionary<string, string>
    {
        ["Router__AuditSampleRate"] = "0",
        ["Router__Calibration__Enabled"] = "false",
        ["Router__DisabledTriggers__0"] = "known_mistake",
        ["Router__DisabledTriggers__1"] = "user_negative_feedback",
        ["Router__DisabledTriggers__2"] = "novel_input",
    };
}
