using System.Text;
using System.Text.Json;
using Clay.Client.Contracts;
using Clay.Server.Api;
using Microsoft.AspNetCore.Http;

namespace Clay.Server.Tests.Api;

/// <summary>The invoke request's body, parsed in one pass as the API's JSON options would bind it.</summary>
public sealed class InvokeBodyTests
{
    private static InvokeDto Parse(string json) => JsonBody.ParseInvoke(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Every_field_is_read_and_names_match_whatever_their_case()
    {
        var body = Parse("""{"Function":"add-item","ARGS":["\"p1\"","3"],"idempotencykey":"k1","mode":"enqueue","scheduleAt":"2026-12-04T10:00:00Z"}""");

        Assert.Equal("add-item", body.Function);
        Assert.Equal(["\"p1\"", "3"], body.Args);
        Assert.Equal("k1", body.IdempotencyKey);
        Assert.Equal("enqueue", body.Mode);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero), body.ScheduleAt);
    }

    [Fact]
    public void What_the_api_json_options_write_of_every_field_is_read_back()
    {
        var sent = new InvokeDto("add-item", ["\"p1\"", "3"], "k1", "enqueue", new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.FromHours(1)));
        var json = JsonSerializer.SerializeToUtf8Bytes(sent, JsonSerializerOptions.Web);

        // A field added to the contract and not to the reader fails here, by name.
        var written = JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => p.Name);
        Assert.Equal(["function", "args", "idempotencyKey", "mode", "scheduleAt"], written);
        Assert.Equivalent(sent, JsonBody.ParseInvoke(json), strict: true);
    }

    [Fact]
    public void Unknown_properties_are_skipped_however_deep_and_escaped_names_still_match()
    {
        var body = Parse("""{"extra":{"a":[1,{"b":null}]},"fun\u0063tion":"get-cart","args":null,"mode":null}""");

        Assert.Equal(new InvokeDto("get-cart", null, null, null), body);
    }

    [Theory]
    [InlineData("""{"function":5}""")]
    [InlineData("""{"function":"add","args":"x"}""")]
    [InlineData("""{"function":"add","args":[1]}""")]
    [InlineData("""{"function":"add","args":["1"}""")]
    [InlineData("""{"function":"add"} {"function":"again"}""")]
    [InlineData("""{"function":"add"}x""")]
    [InlineData("""["add"]""")]
    [InlineData("""{"function":"add","scheduleAt":"tomorrow"}""")]
    [InlineData("""{"function":"add","args":[""")]
    [InlineData("""{"function":"add",}""")]
    public void A_body_that_is_not_an_invocation_is_refused_as_invalid_json(string json)
    {
        Assert.ThrowsAny<JsonException>(() => Parse(json));
    }

    [Fact]
    public void Json_null_is_a_bad_request()
    {
        Assert.Throws<BadHttpRequestException>(() => Parse("null"));
    }

    [Fact]
    public void Unknown_deep_nesting_is_refused_by_the_readers_depth_limit()
    {
        var deep = """{"extra":""" + new string('[', 1000) + new string(']', 1000) + ""","function":"add"}""";

        Assert.ThrowsAny<JsonException>(() => Parse(deep));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;charset=UTF-8")]
    [InlineData("application/problem+json")]
    [InlineData("  application/json  ")]
    [InlineData("application/vnd.api+JSON; q=1")]
    [InlineData("text/plain")]
    [InlineData("application/jsonx")]
    [InlineData("application/json garbage")]
    [InlineData("json")]
    [InlineData("/json")]
    [InlineData("application/")]
    [InlineData("application/x/json")]
    [InlineData("")]
    [InlineData(null)]
    public void The_json_content_type_check_agrees_with_aspnet_cores(string? contentType)
    {
        var request = new DefaultHttpContext().Request;
        request.ContentType = contentType;

        Assert.Equal(request.HasJsonContentType(), JsonBody.IsJson(contentType));
    }
}
