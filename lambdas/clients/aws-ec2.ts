import { EC2Client } from '@aws-sdk/client-ec2';
import { traced } from '../observability/tracer';

/**
 * The EC2 client of the Lambdas (the Loki step reads the route tables and VPC endpoints of Loki's
 * subnets). One module per client so a handler's bundle carries only the SDK clients it imports;
 * built per invocation because the endpoint variables (AWS_ENDPOINT_URL_EC2) are resolved once per
 * client and the sandbox changes them between runs.
 */
export function createEc2Client(region: string): EC2Client {
  return traced(new EC2Client({ region }));
}
