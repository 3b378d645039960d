namespace Clay.EndToEnd.Tests.Durable;

public sealed partial class SleeperServer
{
    /// <summary>Drops the worker from memory now, as the memory budget would; false when it is busy and stays.</summary>
    public async Task<bool> EvictAsync(string worker)
    {
        using var response = await _http.PostAsync($"/v1/components/{Component}/workers/{worker}/evict", null);
        return response.IsSuccessStatusCode;
    }
}
