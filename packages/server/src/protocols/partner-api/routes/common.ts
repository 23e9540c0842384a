import { ErrorResponse } from '@dropgate/contract';

/** OpenAPI fields every Partner API route shares. */
export const partnerRoute = {
  tags: ['Partner API v1'],
  security: [{ shopToken: [] }],
} as const;

export const errorResponses = { '4xx': ErrorResponse, '5xx': ErrorResponse } as const;
