import { describe, expect, it } from 'vitest';
import { parseTestConfig, TestConfigError } from '../../../src/lib/replay/readTestConfig';

describe('parseTestConfig', () => {
  it('reads the format addtestcase writes, with paths relative to the config', () => {
    const config = parseTestConfig(
      {
        Script: '..\\job.asaql',
        TestCases: [
          {
            Name: 'Case 1',
            Inputs: [
              {
                InputAlias: 'Input',
                Type: 'Data Stream',
                Format: 'JSON',
                FilePath: 'in.json',
                ScriptType: 'InputMock',
              },
              {
                InputAlias: 'Ref',
                Type: 'Reference Data',
                Format: 'CSV',
                FilePath: 'ref.csv',
                ScriptType: 'InputMock',
              },
            ],
            ExpectedOutputs: [
              { OutputAlias: 'Out', FilePath: 'out.json', Required: true },
              { OutputAlias: 'Other', FilePath: 'other.json', Required: 'false' },
            ],
          },
        ],
      },
      '/p/test/testConfig.json',
    );
    expect(config).toEqual({
      path: '/p/test/testConfig.json',
      script: '/p/job.asaql',
      testCases: [
        {
          name: 'Case 1',
          inputs: [
            { alias: 'Input', type: 'stream', format: 'JSON', filePath: '/p/test/in.json' },
            { alias: 'Ref', type: 'reference', format: 'CSV', filePath: '/p/test/ref.csv' },
          ],
          expectedOutputs: [
            { alias: 'Out', filePath: '/p/test/out.json', required: true },
            { alias: 'Other', filePath: '/p/test/other.json', required: false },
          ],
        },
      ],
    });
  });

  it('names every problem with its property path', () => {
    let error: unknown;
    try {
      parseTestConfig(
        {
          TestCases: [
            {
              Name: 'a',
              Inputs: [{ InputAlias: 'x', Type: 'Stream', FilePath: '' }],
              ExpectedOutputs: [{ OutputAlias: 'o', FilePath: 'o.json', Required: 'yes' }],
            },
            { Name: 'a', Inputs: {}, ExpectedOutputs: [] },
          ],
        },
        '/t/testConfig.json',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TestConfigError);
    expect((error as Error).message).toBe(
      [
        '/t/testConfig.json:',
        '  - Script: expected a non-empty string, received nothing',
        '  - TestCases[0].Inputs[0].Type: expected "Data Stream" or "Reference Data", received "Stream"',
        '  - TestCases[0].Inputs[0].FilePath: expected a non-empty string, received ""',
        '  - TestCases[0].ExpectedOutputs[0].Required: expected true or false, received "yes"',
        '  - TestCases[1].Name: expected a unique name, received "a" again',
        '  - TestCases[1].Inputs: expected an array, received {}',
      ].join('\n'),
    );
  });
});
