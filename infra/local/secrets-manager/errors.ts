/** The exception names Secrets Manager puts in `__type`; the SDK maps each to its typed exception. */
export type SecretsManagerErrorType =
  | 'ResourceNotFoundException'
  | 'ResourceExistsException'
  | 'InvalidRequestException'
  | 'InvalidParameterException'
  | 'InternalServiceError'
  | 'MissingAuthenticationTokenException'
  | 'InvalidSignatureException'
  | 'UnknownOperationException'
  | 'SerializationException';

/** An error the local endpoint answers as AWS does: `{"__type", "message"}` with `status`. */
export class SecretsManagerServiceError extends Error {
  override readonly name = 'SecretsManagerServiceError';

  constructor(
    readonly type: SecretsManagerErrorType,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
