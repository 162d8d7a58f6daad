using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HitlLoop.ServiceDefaults.Security;

/// <summary>Tells readers of /openapi/v1.json how to authenticate: every operation it lists needs a bearer token or API key.</summary>
internal static class OpenApiBearer
{
    private const string SchemeName = "bearer";

    public static OpenApiOptions AddBearerSecurity(this OpenApiOptions options) =>
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A JWT (from the identity provider, or signed with Hitl:Auth:SigningKey) or an API key from Hitl:Auth:ApiKeys. " +
                              "Roles decide what may be called; see the README's Authentication section.",
            };

            // The probes, the description itself and the reviewer page are the open endpoints, and none of them is listed here.
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] }];
            return Task.CompletedTask;
        });
}
