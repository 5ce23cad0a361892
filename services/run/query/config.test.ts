import { expect } from 'chai';
import { loadQueryConfig } from './config.js';

describe('query: configuration', () => {
  it('defaults: 127.0.0.1:8092, pages of 50, at most 200', () => {
    expect(loadQueryConfig({})).to.include({
      port: 8092,
      host: '127.0.0.1',
      pageSizeDefault: 50,
      pageSizeMax: 200,
      tokensSpec: undefined,
    });
  });

  it('reads QUERY_* and refuses a default page larger than the maximum', () => {
    expect(loadQueryConfig({ QUERY_PORT: '0', QUERY_TOKENS: 'a:b:c', QUERY_PAGE_SIZE_MAX: '500' })).to.include({
      port: 0,
      tokensSpec: 'a:b:c',
      pageSizeMax: 500,
    });
    expect(() => loadQueryConfig({ QUERY_PAGE_SIZE: '300' })).to.throw(/QUERY_PAGE_SIZE/);
    expect(() => loadQueryConfig({ QUERY_PORT: 'http' })).to.throw(/QUERY_PORT/);
  });
});
