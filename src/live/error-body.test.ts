import { describe, expect, it } from 'vitest';
import { parseErrorBody } from './error-body.js';

describe('parseErrorBody', () => {
  it.each([
    ['standard', 404, '{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no such group","details":[]}', 'RESOURCE_DOES_NOT_EXIST', 'no such group'],
    ['numeric legacy code', 400, '{"error_code":1001,"message":"bad"}', '1001', 'bad'],
    ['SCIM', 409, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Group with name admins already exists.","status":"409"}', 'SCIM_409', 'Group with name admins already exists.'],
    ['SCIM with scimType', 400, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"No such attribute","status":"400","scimType":"invalidPath"}', 'SCIM_400', 'invalidPath No such attribute'],
    ['SCIM null detail', 500, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"null","status":"500"}', 'SCIM_500', 'SCIM API Internal Error'],
    ['OAuth', 401, '{"error":"invalid_client","error_description":"Client authentication failed"}', 'invalid_client', 'Client authentication failed'],
    ['OAuth bare code', 400, '{"error":"invalid_scope"}', 'invalid_scope', 'invalid_scope'],
    ['legacy error sentence', 400, '{"error":"Something went wrong."}', 'BAD_REQUEST', 'Something went wrong.'],
    ['plain text with code', 403, 'PERMISSION_DENIED: not an account admin', 'PERMISSION_DENIED', 'not an account admin'],
    ['plain text', 502, 'upstream connect error', 'HTTP_502', 'upstream connect error'],
    ['HTML with pre', 503, '<html><body><pre>Service &quot;x&quot; unavailable</pre></body></html>', 'TEMPORARILY_UNAVAILABLE', 'Service "x" unavailable'],
    ['HTML page', 502, '<!DOCTYPE html><html><body><h1>Bad gateway</h1></body></html>', 'HTTP_502', 'Bad Gateway'],
    ['empty', 401, '', 'UNAUTHENTICATED', 'Unauthorized'],
    ['JSON without known fields', 500, '{"foo":1}', 'INTERNAL_ERROR', '{"foo":1}'],
  ])('%s', (_name, status, body, errorCode, message) => {
    expect(parseErrorBody(status, body)).toEqual({ errorCode, message });
  });

  it('truncates long messages', () => {
    expect(parseErrorBody(500, 'x'.repeat(2000)).message.length).toBeLessThanOrEqual(501);
  });
});
