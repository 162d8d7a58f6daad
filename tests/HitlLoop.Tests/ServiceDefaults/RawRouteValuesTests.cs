using HitlLoop.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace HitlLoop.Tests.ServiceDefaults;

public sealed class RawRouteValuesTests
{
    private static DefaultHttpContext Request(string rawTarget, string template, string pathBase = "")
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        context.Request.PathBase = pathBase;
        context.SetEndpoint(new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse(template), 0, null, "test"));
        return context;
    }

    [TestCase("/api/reviews/conv%2F42%3Fturn%3D3%23frag/claim", "conv/42?turn=3#frag")]
    [TestCase("/api/reviews/100%252Fliteral/claim", "100%2Fliteral")]
    [TestCase("/api/reviews/r%C3%A9ponse%207/claim?x=1", "réponse 7")]
    [TestCase("http://host:5000/api/reviews/a%2Fb/claim", "a/b")]
    public void The_id_is_the_raw_segment_decoded_once(string rawTarget, string id)
    {
        var context = Request(rawTarget, "/api/reviews/{id}/claim");

        Assert.That(context.Decoded("id", "ignored"), Is.EqualTo(id));
    }

    [Test]
    public void A_path_base_is_skipped()
    {
        var context = Request("/hitl/api/reviews/a%2Fb", "/api/reviews/{id}", pathBase: "/hitl");

        Assert.That(context.Decoded("id", "ignored"), Is.EqualTo("a/b"));
    }

    [Test]
    public void Without_a_raw_target_the_encoded_slash_the_path_kept_is_decoded()
    {
        var context = Request("", "/api/reviews/{id}");

        Assert.That(context.Decoded("id", "a%2Fb"), Is.EqualTo("a/b"));
    }
}
